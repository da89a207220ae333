"""Writes for partnerships and funds: setting up a partnership on a resident group, its members
(roles, residents or not, the organisation they represent, leaving), its quorum, and opening a
fund (the fund's money goes into the ledger in the same transaction).

Each function checks its permission (`funding/rules.py`) with `require` first, checks what the
state allows (a `ServiceError` written for the person), works in one transaction and writes the
audit log with `{"partnership": pk}` or `{"fund": pk}` in its data.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.slugs import unique_slug
from grassroots.core.text import clean_text, strip_invisible
from grassroots.funding import ledger, orgids
from grassroots.funding.models import Fund, MemberRole, Membership, Partnership
from grassroots.groups.models import Group
from grassroots.places.models import Council, Ward

MAX_NAME = 200
MAX_REPRESENTS = 200
MAX_DESCRIPTION = 5000
MAX_HORIZON = 25
# Addresses under /funds/ that a fund's slug must not take.
RESERVED_SLUGS = frozenset(
    {"new", "partnerships", "applications", "motions", "grants", "rounds", "export", "reports"}
)


def _audit(actor: Actor, action: str, obj: Any, summary: str, **data: Any) -> None:
    audit_record(actor=actor, action=f"funding.{action}", obj=obj, summary=summary, data=data)


# --- Partnerships --------------------------------------------------------------------------


def partnership_create(*, actor: Actor, group: Group, name: str = "") -> Partnership:
    """Set up the partnership of a resident group (one a group). Its members are added next."""
    require(actor, "funding.create_partnership", group)
    name = clean_text(
        name or _("%(group)s partnership") % {"group": group.name},
        max_length=MAX_NAME,
        empty=_("Enter the partnership’s name"),
        too_long=_("The name must be 200 characters or fewer"),
    )
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group.pk).first()
        if Partnership.objects.filter(group=group).exists():
            raise ServiceError(_("This group already has a partnership"))
        slug = unique_slug(
            name,
            max_length=200,
            fallback="partnership",
            taken=lambda s: Partnership.objects.filter(slug=s).exists(),
        )
        partnership = Partnership.objects.create(
            group=group, name=name, slug=slug, created_by=actor
        )
        _audit(
            actor,
            "partnership_create",
            partnership,
            f"Set up the partnership “{name}” for the group “{group.name}”",
            partnership=partnership.pk,
        )
    return partnership


def resident_refusal(user: User, *, is_resident: bool, represents: str) -> str | None:
    """Why `user` may not be marked a resident member, or None. A current councillor or council
    officer never is, whatever the form says, nor is somebody there for an organisation."""
    if not is_resident:
        return None
    roles = user_roles(user)
    if roles.councillor:
        return _(
            "%(name)s is a councillor, so they cannot be a resident member. Mark them as not a "
            "resident"
        ) % {"name": user.public_name}
    if roles.officer:
        return _(
            "%(name)s is a council officer, so they cannot be a resident member. Mark them as "
            "not a resident"
        ) % {"name": user.public_name}
    if represents:
        return _(
            "Somebody who represents an organisation is not a resident member. Mark them as not "
            "a resident, or leave the organisation empty"
        )
    return None


def _role_taken_message(role: str) -> str:
    if role == MemberRole.CHAIR:
        return _(
            "The partnership already has a chair. Change the current chair’s role to member "
            "first, then choose the new chair"
        )
    return _(
        "The partnership already has a treasurer. Change the current treasurer’s role to member "
        "first, then choose the new treasurer"
    )


def _check_role_free(partnership: Partnership, role: str, *, except_pk: int | None) -> None:
    if role not in (MemberRole.CHAIR, MemberRole.TREASURER):
        return
    holders = Membership.objects.filter(partnership=partnership, role=role, left_on__isnull=True)
    if except_pk is not None:
        holders = holders.exclude(pk=except_pk)
    if holders.exists():
        raise ServiceError(_role_taken_message(role))


def _clean_represents(represents: str) -> str:
    if not strip_invisible(represents or "").strip():
        return ""
    return clean_text(
        represents,
        max_length=MAX_REPRESENTS,
        empty="",
        too_long=_("The organisation’s name must be 200 characters or fewer"),
    )


def _save_seat(membership: Membership, role: str) -> None:
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # two managers at once: the constraints decide
        if role in (MemberRole.CHAIR, MemberRole.TREASURER):
            raise ServiceError(_role_taken_message(role)) from error
        raise ServiceError(
            _("%(name)s is already a member of the partnership")
            % {"name": membership.user.public_name}
        ) from error


def membership_add(
    *,
    actor: Actor,
    partnership: Partnership,
    user: User,
    role: str = MemberRole.MEMBER,
    is_resident: bool,
    represents: str = "",
) -> Membership:
    """Give `user` a seat on the partnership."""
    require(actor, "funding.manage_partnership", partnership)
    if role not in MemberRole.values:
        raise ServiceError(_("Choose the member’s role"))
    if not user.is_active:
        raise ServiceError(_("There is no account with that email address"))
    represents = _clean_represents(represents)
    refusal = resident_refusal(user, is_resident=is_resident, represents=represents)
    if refusal:
        raise ServiceError(refusal)
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        if Membership.objects.filter(
            partnership=partnership, user=user, left_on__isnull=True
        ).exists():
            raise ServiceError(
                _("%(name)s is already a member of the partnership") % {"name": user.public_name}
            )
        _check_role_free(partnership, role, except_pk=None)
        membership = Membership(
            partnership=partnership,
            user=user,
            role=role,
            is_resident=is_resident,
            represents=represents,
        )
        _save_seat(membership, role)
        _audit(
            actor,
            "membership_add",
            membership,
            f"Added {user.public_name} to “{partnership.name}” as {role}"
            f"{' (resident)' if is_resident else ' (not a resident)'}",
            partnership=partnership.pk,
            user=user.pk,
            role=role,
            is_resident=is_resident,
        )
    return membership


def membership_change(
    *,
    actor: Actor,
    membership: Membership,
    role: str,
    is_resident: bool,
    represents: str = "",
) -> Membership:
    """Change a current member's role, whether they are a resident, or who they represent."""
    partnership = membership.partnership
    require(actor, "funding.manage_partnership", partnership)
    if role not in MemberRole.values:
        raise ServiceError(_("Choose the member’s role"))
    represents = _clean_represents(represents)
    refusal = resident_refusal(membership.user, is_resident=is_resident, represents=represents)
    if refusal:
        raise ServiceError(refusal)
    with transaction.atomic():
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.left_on is not None:
            raise ServiceError(_("They have left the partnership"))
        _check_role_free(partnership, role, except_pk=current.pk)
        before = {"role": current.role, "is_resident": current.is_resident}
        current.role = role
        current.is_resident = is_resident
        current.represents = represents
        _save_seat(current, role)
        _audit(
            actor,
            "membership_change",
            current,
            f"Changed {current.user.public_name}’s seat on “{partnership.name}”",
            partnership=partnership.pk,
            before=before,
            after={"role": role, "is_resident": is_resident},
        )
    membership.role, membership.is_resident, membership.represents = role, is_resident, represents
    return membership


def membership_end(
    *, actor: Actor, membership: Membership, left_on: datetime.date | None = None
) -> Membership:
    """A member leaves (or is stood down): the seat is kept, with the day it ended."""
    require(actor, "funding.end_membership", membership)
    day = left_on or timezone.localdate()
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.left_on is not None:
            raise ServiceError(_("They have already left the partnership"))
        if day < current.joined_on:
            raise ServiceError(_("The day they left cannot be before the day they joined"))
        current.left_on = day
        current.save(update_fields=["left_on"])
        _audit(
            actor,
            "membership_end",
            current,
            f"{current.user.public_name} left “{current.partnership.name}”",
            partnership=current.partnership_id,
            role=current.role,
        )
    membership.left_on = day
    return membership


def partnership_quorum_set(
    *, actor: Actor, partnership: Partnership, percent: int, residents_majority: bool
) -> Partnership:
    """How many members must take part in a decision, and whether residents must be the
    majority of them."""
    require(actor, "funding.manage_partnership", partnership)
    if not 1 <= percent <= 100:
        raise ServiceError(_("The quorum must be between 1 and 100 per cent of the members"))
    with transaction.atomic():
        before = Partnership.objects.select_for_update().get(pk=partnership.pk)
        Partnership.objects.filter(pk=partnership.pk).update(
            quorum_percent=percent, quorum_residents_majority=residents_majority
        )
        _audit(
            actor,
            "partnership_quorum",
            partnership,
            f"Quorum of “{partnership.name}” set to {percent}% of members"
            f"{', residents the majority' if residents_majority else ''}",
            partnership=partnership.pk,
            before={
                "percent": before.quorum_percent,
                "residents_majority": before.quorum_residents_majority,
            },
            after={"percent": percent, "residents_majority": residents_majority},
        )
    partnership.quorum_percent = percent
    partnership.quorum_residents_majority = residents_majority
    return partnership


# --- Funds ---------------------------------------------------------------------------------


def _org_id(text: str) -> str:
    identifier = orgids.normalise(text or "")
    message = orgids.problem(identifier)
    if message:
        raise ServiceError(message)
    return identifier


def fund_create(
    *,
    actor: Actor,
    council: Council,
    wards: Sequence[Ward],
    partnership: Partnership,
    name: str,
    description: str = "",
    total_pence: int,
    funder_name: str,
    funder_org_id: str,
    holder_name: str,
    holder_org_id: str,
    starts_on: datetime.date,
    horizon_years: int,
) -> Fund:
    """Open a fund for an area: the row, its wards and the funder's money in the ledger, all in
    one transaction (if the ledger refuses, there is no fund)."""
    require(actor, "funding.create_fund", council)
    name = clean_text(
        name,
        max_length=MAX_NAME,
        empty=_("Enter the fund’s name"),
        too_long=_("The fund’s name must be 200 characters or fewer"),
    )
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(_("The description must be 5,000 characters or fewer"))
    if not wards:
        raise ServiceError(_("Choose at least one ward"))
    if any(ward.council_id != council.pk for ward in wards):
        raise ServiceError(_("Choose wards of %(council)s") % {"council": council.name})
    if partnership.group.council_id != council.pk:
        raise ServiceError(
            _("Choose a partnership of a group in %(council)s") % {"council": council.name}
        )
    if total_pence <= 0:
        raise ServiceError(_("Enter the fund’s total, more than £0"))
    if not 1 <= horizon_years <= MAX_HORIZON:
        raise ServiceError(_("The fund must run for between 1 and 25 years"))
    funder_name = clean_text(
        funder_name,
        max_length=MAX_NAME,
        empty=_("Enter the funder’s name"),
        too_long=_("The funder’s name must be 200 characters or fewer"),
    )
    holder_name = clean_text(
        holder_name,
        max_length=MAX_NAME,
        empty=_("Enter the name of the locally trusted organisation"),
        too_long=_("The organisation’s name must be 200 characters or fewer"),
    )
    funder_org_id = _org_id(funder_org_id)
    holder_org_id = _org_id(holder_org_id)
    with transaction.atomic():
        slug = unique_slug(
            name,
            max_length=200,
            fallback="fund",
            taken=lambda s: Fund.objects.filter(slug=s).exists(),
            reserved=RESERVED_SLUGS,
        )
        fund = Fund.objects.create(
            partnership=partnership,
            council=council,
            name=name,
            slug=slug,
            description=description,
            total_pence=total_pence,
            funder_name=funder_name,
            funder_org_id=funder_org_id,
            holder_name=holder_name,
            holder_org_id=holder_org_id,
            starts_on=starts_on,
            horizon_years=horizon_years,
            created_by=actor,
        )
        fund.wards.set(wards)
        ledger.open_fund(fund, actor=actor)
        _audit(
            actor,
            "fund_create",
            fund,
            f"Opened the fund “{name}” with {total_pence} pence from {funder_name}",
            fund=fund.pk,
            partnership=partnership.pk,
            total_pence=total_pence,
        )
    return fund
