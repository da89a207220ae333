"""An initiative's people: asking to join and the leads' answer, leaving, leads, backing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import notice_name
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.initiatives.models import (
    ASK_AGAIN_STATUSES,
    Backing,
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
)
from grassroots.initiatives.services._common import leads_of, refuse_councillor_leads


def membership_request(*, initiative: Initiative, user: Actor, message: str = "") -> Membership:
    """Ask to join; the leads are told and decide.

    Anybody signed in who can see the initiative may ask; whether they may ask again (or are
    a member, or invited) is answered below with a reason."""
    require(user, "initiatives.ask_to_join", initiative)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(initiative=initiative, user=user).first()
        )
        if membership is not None and membership.status not in ASK_AGAIN_STATUSES:
            if membership.status == MembershipStatus.DECLINED:
                raise ServiceError(_("The leads have already answered your request to join"))
            if membership.status == MembershipStatus.INVITED:
                raise ServiceError(
                    _("The leads have already invited you: accept the invitation to join")
                )
            raise ServiceError(_("You have already asked to join, or you are a member"))
        if membership is None:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(
                        initiative=initiative, user=user, message=message
                    )
            except IntegrityError:
                # The same request sent twice at once (a double click): the first one counts.
                raise ServiceError(
                    _("You have already asked to join, or you are a member")
                ) from None
        else:
            membership.status, membership.role = MembershipStatus.REQUESTED, MemberRole.MEMBER
            membership.message, membership.decided_at, membership.decided_by = message, None, None
            # An earlier invitation (turned down or withdrawn) is not how this one started.
            membership.invited_by, membership.invited_at = None, None
            membership.invitation_message = ""
            membership.save(
                update_fields=[
                    "status",
                    "role",
                    "message",
                    "decided_at",
                    "decided_by",
                    "invited_by",
                    "invited_at",
                    "invitation_message",
                ]
            )
        audit_record(
            actor=user,
            action="membership.request",
            obj=membership,
            summary=f"Asked to join {initiative.title!r}",
        )
        notify(
            recipients=leads_of(initiative),
            kind=Kind.JOIN_REQUEST,
            text=_("%(name)s asked to join %(title)s")
            % {"name": notice_name(user), "title": initiative.title},
            url=initiative.get_absolute_url() + "#people",
            initiative=initiative,
            exclude=user,
        )
    return membership


def membership_decide(*, membership: Membership, actor: Actor, approve: bool) -> Membership:
    """A lead approves or declines a request to join; the person is told."""
    require(actor, "initiatives.decide_membership", membership.initiative)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("initiative", "user")
        m = locked.get(pk=membership.pk)
        if m.status != MembershipStatus.REQUESTED:
            raise ServiceError(_("This request has already been answered"))
        m.status = MembershipStatus.APPROVED if approve else MembershipStatus.DECLINED
        m.decided_at, m.decided_by = timezone.now(), actor
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action="membership.approve" if approve else "membership.decline",
            obj=m,
            summary=f"{'Approved' if approve else 'Declined'} a request to join",
            data={"user": m.user_id},
        )
        text = (
            _("You are now a member of %(title)s")
            if approve
            else _("The leads of %(title)s declined your request to join")
        )
        notify(
            recipients=[m.user],
            kind=Kind.JOIN_DECISION,
            text=text % {"title": m.initiative.title},
            # The person may not see a safeguarded initiative once declined: notify drops them.
            url=m.initiative.get_absolute_url(),
            initiative=m.initiative,
        )
    return m


def _other_leads_exist(initiative: Initiative, user: Actor) -> bool:
    return (
        Membership.objects.filter(
            initiative=initiative, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
        )
        .exclude(user=user)
        .exists()
    )


def membership_leave(*, initiative: Initiative, user: Actor) -> None:
    """Leave an initiative (the last lead must first make somebody else a lead)."""
    require(user, "initiatives.leave", initiative)
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        m = Membership.objects.filter(
            initiative=initiative, user=user, status=MembershipStatus.APPROVED
        ).first()
        if m is None:
            raise ServiceError(_("You are not a member of this initiative"))
        if m.role == MemberRole.LEAD and not _other_leads_exist(initiative, user):
            raise ServiceError(
                _("You are the only lead. Make another member a lead before you leave.")
            )
        m.status, m.role = MembershipStatus.LEFT, MemberRole.MEMBER
        m.save(update_fields=["status", "role"])
        audit_record(actor=user, action="membership.leave", obj=m, summary="Left the initiative")


def membership_make_lead(*, membership: Membership, actor: Actor) -> Membership:
    """A lead makes an approved member a co-lead (never a councillor of one of its wards)."""
    require(actor, "initiatives.make_lead", membership.initiative)
    with transaction.atomic():
        rows = Membership.objects.select_for_update().select_related("initiative", "user")
        m = rows.get(pk=membership.pk)
        if m.status != MembershipStatus.APPROVED:
            raise ServiceError(_("Only members can be made leads"))
        if m.role == MemberRole.LEAD:
            raise ServiceError(_("%(name)s is already a lead") % {"name": m.user.public_name})
        refuse_councillor_leads([m.user], list(m.initiative.wards.all()))
        m.role = MemberRole.LEAD
        m.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="membership.make_lead",
            obj=m,
            summary="Made a member a lead",
            data={"user": m.user_id},
        )
    return m


def membership_step_down(*, initiative: Initiative, user: Actor) -> None:
    """A lead becomes an ordinary member; an initiative is never left without a lead."""
    require(user, "initiatives.step_down", initiative)
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        m = Membership.objects.filter(
            initiative=initiative,
            user=user,
            role=MemberRole.LEAD,
            status=MembershipStatus.APPROVED,
        ).first()
        if m is None:
            raise ServiceError(_("You are not a lead of this initiative"))
        if not _other_leads_exist(initiative, user):
            raise ServiceError(
                _("You are the only lead. Make another member a lead before you step down.")
            )
        m.role = MemberRole.MEMBER
        m.save(update_fields=["role"])
        audit_record(actor=user, action="membership.step_down", obj=m, summary="Stepped down")


def backing_toggle(*, initiative: Initiative, user: Actor) -> bool:
    """“I back this”, or take it back. Returns whether the user now backs it."""
    require(user, "initiatives.back", initiative)
    with transaction.atomic():
        deleted, _rows = Backing.objects.filter(initiative=initiative, user=user).delete()
        if deleted:
            audit_record(
                actor=user, action="backing.remove", obj=initiative, summary="Stopped backing"
            )
            return False
        try:
            with transaction.atomic():
                Backing.objects.create(initiative=initiative, user=user)
        except IntegrityError:
            return True  # backed a moment ago in another request: once is enough
        audit_record(actor=user, action="backing.add", obj=initiative, summary="Backed")
        return True
