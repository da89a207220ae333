"""Writes for initiatives: each change in one place, inside a transaction, in the audit log."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.selectors import notice_name
from grassroots.core import links
from grassroots.core.audit import audit_record
from grassroots.core.images import ImageRefused, clean_image
from grassroots.core.notices import Kind, followers_notify, notify
from grassroots.core.slugs import random_slug, unique_slug
from grassroots.initiatives.models import (
    ASK_AGAIN_STATUSES,
    Backing,
    Initiative,
    InitiativeEmailInvitation,
    InitiativeWard,
    MemberRole,
    Membership,
    MembershipStatus,
    Milestone,
    Need,
    NeedKind,
    NeedStatus,
    Outcome,
    Stage,
    StageChange,
    Update,
    Visibility,
)
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.places.models import Ward


class InitiativeError(Exception):
    """A change the rules of initiatives do not allow; `message` is for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditConflict(InitiativeError):
    """Somebody saved the initiative after the version this edit started from."""

    def __init__(self, current: Initiative) -> None:
        super().__init__(_("Somebody else changed this initiative while you were editing it."))
        self.current = current


# --- Stages ------------------------------------------------------------------------------------
#
# The way forward is idea → gathering support → planning → in action → achieved. Leads may move
# forward by any number of steps, except that "achieved" can only follow "in action" (something
# must have been done before it can be said to have worked). Any active stage may be paused;
# a paused initiative resumes to the stage it was paused from. Anything not yet closed may be
# closed, and closed is final.

FORWARD = [Stage.IDEA, Stage.GATHERING_SUPPORT, Stage.PLANNING, Stage.IN_ACTION, Stage.ACHIEVED]
ACTIVE = FORWARD[:-1]


def paused_from(initiative: Initiative) -> str:
    """The stage a paused initiative resumes to."""
    last = (
        StageChange.objects.filter(initiative=initiative, to_stage=Stage.PAUSED)
        .order_by("-changed_at", "-id")
        .values_list("from_stage", flat=True)
        .first()
    )
    return last or Stage.IDEA


def allowed_stages(initiative: Initiative, *, resume_to: str | None = None) -> list[str]:
    """The stages a lead may move `initiative` to from where it is now."""
    stage = initiative.stage
    if stage in ACTIVE:
        index = FORWARD.index(Stage(stage))
        onward: list[str] = [s for s in FORWARD[index + 1 :] if s != Stage.ACHIEVED]
        if stage == Stage.IN_ACTION:
            onward.append(Stage.ACHIEVED)
        return [*onward, Stage.PAUSED, Stage.CLOSED]
    if stage == Stage.PAUSED:
        return [resume_to or paused_from(initiative), Stage.CLOSED]
    if stage == Stage.ACHIEVED:
        return [Stage.CLOSED]
    return []


# --- Creating and editing ----------------------------------------------------------------------


# Paths under /initiatives/ that are pages, not initiatives.
RESERVED_SLUGS = frozenset({"create", "map", "feed", "search", "export", "api", "invitations"})


SLUG_LENGTH = 170  # Initiative.slug's max_length
# A safeguarded initiative's slug is this and a random token: nothing of its title (which an
# address bar, a history or a shared screen would show), and nothing a public initiative's
# slug could collide with. So a public initiative's slug, "-2" and all, depends only on other
# slugs that are themselves public or random, and reveals no safeguarded initiative.
SAFEGUARDED_SLUG_PREFIX = "private"


def initiative_slug(*, title: str, visibility: str) -> str:
    """A new slug: from the title for a public initiative, a random one for a safeguarded one."""
    if visibility == Visibility.SAFEGUARDED:
        return random_slug(prefix=SAFEGUARDED_SLUG_PREFIX, max_length=SLUG_LENGTH)
    return unique_slug(
        title,
        max_length=SLUG_LENGTH,
        fallback="initiative",
        taken=lambda slug: Initiative.objects.filter(slug=slug).exists(),
        reserved=RESERVED_SLUGS,
    )


def _repoint_links(*, old_slug: str, new_slug: str) -> None:
    """Stored links (notifications, concerns) to the initiative's old address follow it."""
    links.moved(old=f"/initiatives/{old_slug}/", new=f"/initiatives/{new_slug}/")


def _check_no_councillor_leads(leads: Iterable[Any], wards: Iterable[Ward]) -> None:
    ward_ids = {w.pk for w in wards}
    for lead in leads:
        if represented_ward_ids(lead) & ward_ids:
            raise InitiativeError(
                _(
                    "A councillor cannot lead an initiative in a ward they represent. "
                    "You can support it, or join it as a member."
                )
            )


def initiative_create(
    *,
    creator: Any,
    title: str,
    problem: str,
    change_wanted: str,
    who_for: str,
    theme: str,
    wards: list[Ward],
    area_description: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    location_text: str = "",
    visibility: str = Visibility.PUBLIC,
) -> Initiative:
    """Start an initiative; its creator becomes its first lead."""
    if not wards:
        raise InitiativeError(_("Choose at least one ward"))
    _check_no_councillor_leads([creator], wards)
    for attempt in range(5):
        try:
            with transaction.atomic():
                initiative = Initiative.objects.create(
                    title=title,
                    slug=initiative_slug(title=title, visibility=visibility),
                    problem=problem,
                    change_wanted=change_wanted,
                    who_for=who_for,
                    theme=theme,
                    area_description=area_description,
                    latitude=latitude,
                    longitude=longitude,
                    location_text=location_text,
                    visibility=visibility,
                    created_by=creator,
                )
                InitiativeWard.objects.bulk_create(
                    [InitiativeWard(initiative=initiative, ward=w) for w in wards]
                )
                Membership.objects.create(
                    initiative=initiative,
                    user=creator,
                    role=MemberRole.LEAD,
                    status=MembershipStatus.APPROVED,
                    decided_at=timezone.now(),
                )
                StageChange.objects.create(
                    initiative=initiative, from_stage="", to_stage=Stage.IDEA, changed_by=creator
                )
                audit_record(
                    actor=creator,
                    action="initiative.create",
                    obj=initiative,
                    summary=f"Started initiative {title!r}",
                    data={"wards": [w.pk for w in wards], "visibility": visibility},
                )
                return initiative
        except IntegrityError:
            # Two initiatives with the same title at the same moment: take the next slug.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


EDITABLE = (
    "title",
    "problem",
    "change_wanted",
    "who_for",
    "theme",
    "area_description",
    "latitude",
    "longitude",
    "location_text",
    "visibility",
)


def initiative_update(
    *, initiative: Initiative, actor: Any, version: int, wards: list[Ward], **fields: Any
) -> Initiative:
    """Save a lead's edit, only if nobody saved since `version` (else EditConflict)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not wards:
        raise InitiativeError(_("Choose at least one ward"))
    with transaction.atomic():
        leads = [
            m.user
            for m in Membership.objects.filter(
                initiative=initiative, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            ).select_related("user")
        ]
        _check_no_councillor_leads(leads, wards)
        old_slug, was = Initiative.objects.values_list("slug", "visibility").get(pk=initiative.pk)
        if fields.get("visibility") == Visibility.SAFEGUARDED and was != Visibility.SAFEGUARDED:
            # Its title-made slug was public: a new random one, so the old address is free
            # (a public initiative with the same title takes it, as if this one had gone).
            fields["slug"] = initiative_slug(title="", visibility=Visibility.SAFEGUARDED)
        changed = Initiative.objects.filter(pk=initiative.pk, version=version).update(
            **fields, version=F("version") + 1, updated_at=timezone.now()
        )
        if not changed:
            raise EditConflict(Initiative.objects.get(pk=initiative.pk))
        if "slug" in fields:
            _repoint_links(old_slug=old_slug, new_slug=fields["slug"])
        current = set(initiative.wards.values_list("pk", flat=True))
        wanted = {w.pk for w in wards}
        InitiativeWard.objects.filter(initiative=initiative, ward_id__in=current - wanted).delete()
        InitiativeWard.objects.bulk_create(
            [InitiativeWard(initiative=initiative, ward_id=pk) for pk in wanted - current]
        )
        audit_record(
            actor=actor,
            action="initiative.update",
            obj=initiative,
            summary=f"Edited initiative {fields.get('title', initiative.title)!r}",
            data={
                "from_version": version,
                "fields": sorted(set(fields) - {"slug"}),
                "wards": sorted(wanted),
            },
        )
    initiative.refresh_from_db()
    return initiative


def _people_to_tell(initiative: Initiative) -> list[Any]:
    members = [
        m.user
        for m in Membership.objects.filter(
            initiative=initiative, status=MembershipStatus.APPROVED
        ).select_related("user")
    ]
    backers = [b.user for b in Backing.objects.filter(initiative=initiative).select_related("user")]
    return members + backers


def initiative_change_stage(
    *, initiative: Initiative, actor: Any, to_stage: str, note: str = ""
) -> StageChange:
    """Move the initiative to another stage; tells its members and backers."""
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if to_stage not in allowed_stages(locked):
            raise InitiativeError(
                _("An initiative cannot move from “%(from)s” to “%(to)s”.")
                % {
                    "from": locked.get_stage_display(),
                    "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
                }
            )
        now = timezone.now()
        change = StageChange.objects.create(
            initiative=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            note=note,
            changed_by=actor,
            changed_at=now,
        )
        locked.stage, locked.stage_changed_at = to_stage, now
        locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="initiative.change_stage",
            obj=locked,
            summary=f"Stage {change.from_stage} → {to_stage}",
            data={"from": change.from_stage, "to": to_stage, "note": note},
        )
        told = _people_to_tell(locked)
        notify(
            recipients=told,
            kind=Kind.STAGE_CHANGE,
            text=_("%(title)s is now at the stage: %(stage)s")
            % {"title": locked.title, "stage": Stage(to_stage).label},
            url=locked.get_absolute_url(),
            initiative=locked,
            exclude=actor,
        )
        # Followers of it or its wards who were not told above hear as followers.
        followers_notify(
            initiative=locked,
            text=_("%(title)s is now at the stage: %(stage)s")
            % {"title": locked.title, "stage": Stage(to_stage).label},
            url=locked.get_absolute_url(),
            exclude=told,
            actor=actor,
        )
    initiative.stage, initiative.stage_changed_at = locked.stage, locked.stage_changed_at
    return change


# --- People ------------------------------------------------------------------------------------


def _leads(initiative: Initiative) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            initiative=initiative, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
        ).select_related("user")
    ]


def membership_request(*, initiative: Initiative, user: Any, message: str = "") -> Membership:
    """Ask to join; the leads are told and decide."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(initiative=initiative, user=user).first()
        )
        if membership is not None and membership.status not in ASK_AGAIN_STATUSES:
            if membership.status == MembershipStatus.DECLINED:
                raise InitiativeError(_("The leads have already answered your request to join"))
            if membership.status == MembershipStatus.INVITED:
                raise InitiativeError(
                    _("The leads have already invited you: accept the invitation to join")
                )
            raise InitiativeError(_("You have already asked to join, or you are a member"))
        if membership is None:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(
                        initiative=initiative, user=user, message=message
                    )
            except IntegrityError:
                # The same request sent twice at once (a double click): the first one counts.
                raise InitiativeError(
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
            recipients=_leads(initiative),
            kind=Kind.JOIN_REQUEST,
            text=_("%(name)s asked to join %(title)s")
            % {"name": notice_name(user), "title": initiative.title},
            url=initiative.get_absolute_url() + "#people",
            initiative=initiative,
            exclude=user,
        )
    return membership


def membership_decide(*, membership: Membership, actor: Any, approve: bool) -> Membership:
    """A lead approves or declines a request to join; the person is told."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("initiative", "user")
        m = locked.get(pk=membership.pk)
        if m.status != MembershipStatus.REQUESTED:
            raise InitiativeError(_("This request has already been answered"))
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


def _other_leads_exist(initiative: Initiative, user: Any) -> bool:
    return (
        Membership.objects.filter(
            initiative=initiative, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
        )
        .exclude(user=user)
        .exists()
    )


def membership_leave(*, initiative: Initiative, user: Any) -> None:
    """Leave an initiative (the last lead must first make somebody else a lead)."""
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        m = Membership.objects.filter(
            initiative=initiative, user=user, status=MembershipStatus.APPROVED
        ).first()
        if m is None:
            raise InitiativeError(_("You are not a member of this initiative"))
        if m.role == MemberRole.LEAD and not _other_leads_exist(initiative, user):
            raise InitiativeError(
                _("You are the only lead. Make another member a lead before you leave.")
            )
        m.status, m.role = MembershipStatus.LEFT, MemberRole.MEMBER
        m.save(update_fields=["status", "role"])
        audit_record(actor=user, action="membership.leave", obj=m, summary="Left the initiative")


def membership_make_lead(*, membership: Membership, actor: Any) -> Membership:
    """A lead makes an approved member a co-lead (never a councillor of one of its wards)."""
    with transaction.atomic():
        rows = Membership.objects.select_for_update().select_related("initiative", "user")
        m = rows.get(pk=membership.pk)
        if m.status != MembershipStatus.APPROVED:
            raise InitiativeError(_("Only members can be made leads"))
        if m.role == MemberRole.LEAD:
            raise InitiativeError(_("%(name)s is already a lead") % {"name": m.user.public_name})
        _check_no_councillor_leads([m.user], list(m.initiative.wards.all()))
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


def membership_step_down(*, initiative: Initiative, user: Any) -> None:
    """A lead becomes an ordinary member; an initiative is never left without a lead."""
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        m = Membership.objects.filter(
            initiative=initiative,
            user=user,
            role=MemberRole.LEAD,
            status=MembershipStatus.APPROVED,
        ).first()
        if m is None:
            raise InitiativeError(_("You are not a lead of this initiative"))
        if not _other_leads_exist(initiative, user):
            raise InitiativeError(
                _("You are the only lead. Make another member a lead before you step down.")
            )
        m.role = MemberRole.MEMBER
        m.save(update_fields=["role"])
        audit_record(actor=user, action="membership.step_down", obj=m, summary="Stepped down")


# --- Invitations ---------------------------------------------------------------------------------
#
# Leads invite a person by the email address of their account. The invitation lives on the
# person's Membership row (status "invited"), so one row per person per initiative still holds
# and an accepted invitation is an ordinary approved membership. While it waits, the invitee may
# see the initiative even when it is safeguarded (visibility.py); turned down or withdrawn, they
# are outside again.

# At most this many invitations may wait for an answer on one initiative at a time: enough for
# a group starting out, few enough that an initiative cannot be used to mail people in bulk.
MAX_PENDING_INVITATIONS = 20
# Somebody who turned an invitation down is not asked again by the same initiative for a while.
REINVITE_AFTER = datetime.timedelta(days=30)


def invitation_create(
    *, initiative: Initiative, actor: Any, invitee: Any, message: str = ""
) -> Membership:
    """A lead invites a person to join; they are told in the site and by email.

    Somebody who had already asked to join is simply approved (the invitation says yes to
    them). Returns the membership row: status "invited", or "approved" in that case.
    """
    email = invitee.email
    if invitee.pk == actor.pk:
        raise InitiativeError(_("You cannot invite yourself"))
    if not invitee.is_active or invitee.anonymised_at:
        raise InitiativeError(_("There is no account with that email address"))
    with transaction.atomic():
        # One invitation at a time per initiative, so the cap below cannot be overrun.
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        m = (
            Membership.objects.select_for_update()
            .filter(initiative=initiative, user=invitee)
            .first()
        )
        now = timezone.now()
        if m is not None and m.status == MembershipStatus.APPROVED:
            if m.role == MemberRole.LEAD:
                raise InitiativeError(
                    _("%(email)s is already a lead of this initiative") % {"email": email}
                )
            raise InitiativeError(
                _("%(email)s is already a member of this initiative") % {"email": email}
            )
        if m is not None and m.status == MembershipStatus.INVITED:
            raise InitiativeError(
                _("%(email)s has already been invited and has not answered yet") % {"email": email}
            )
        if m is not None and m.status == MembershipStatus.REQUESTED:
            return _approve_by_invitation(m, actor, now)
        if (
            m is not None
            and m.status == MembershipStatus.INVITATION_DECLINED
            and m.decided_at is not None
            and m.decided_at > now - REINVITE_AFTER
        ):
            again = timezone.localtime(m.decided_at + REINVITE_AFTER)
            raise InitiativeError(
                _(
                    "%(email)s turned down an invitation to this initiative recently. "
                    "You can invite them again from %(date)s"
                )
                % {"email": email, "date": date_format(again, "j F Y")}
            )
        _refuse_over_cap(initiative)
        fields = {
            "status": MembershipStatus.INVITED,
            "role": MemberRole.MEMBER,
            "invited_by": actor,
            "invited_at": now,
            "invitation_message": message,
            "decided_at": None,
            "decided_by": None,
        }
        if m is None:
            try:
                with transaction.atomic():
                    m = Membership.objects.create(initiative=initiative, user=invitee, **fields)
            except IntegrityError:
                # Asked to join, or invited by another lead, at this very moment.
                raise InitiativeError(
                    _("%(email)s has already been invited and has not answered yet")
                    % {"email": email}
                ) from None
        else:
            for name, value in fields.items():
                setattr(m, name, value)
            m.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action="invitation.create",
            obj=m,
            summary=f"Invited a person to join {initiative.title!r}",
            data={"user": invitee.pk},
        )
        notify(
            recipients=[invitee],
            kind=Kind.INVITATION,
            # In the site, for the invitee (who may see it while the invitation waits); an
            # email about a safeguarded initiative names nothing (notifications/discreet.py).
            text=_("%(name)s invited you to join %(title)s")
            % {"name": notice_name(actor), "title": initiative.title},
            url=initiative.get_absolute_url() + "#invitation",
            initiative=initiative,
        )
    return m


# An invitation to an address with no account waits this long for somebody to sign up with it.
EMAIL_INVITATION_KEEPS = datetime.timedelta(days=30)


def _waiting_by_email(initiative: Initiative) -> Any:
    since = timezone.now() - EMAIL_INVITATION_KEEPS
    return InitiativeEmailInvitation.objects.filter(initiative=initiative, created_at__gte=since)


def _refuse_over_cap(initiative: Initiative) -> None:
    """The cap counts invitations to accounts and to addresses alike, so it answers the same
    whether or not the next address has an account."""
    waiting = (
        Membership.objects.filter(initiative=initiative, status=MembershipStatus.INVITED).count()
        + _waiting_by_email(initiative).count()
    )
    if waiting >= MAX_PENDING_INVITATIONS:
        raise InitiativeError(
            _(
                "%(count)s invitations are already waiting for an answer, the most an "
                "initiative can have. Withdraw one before you invite somebody else"
            )
            % {"count": MAX_PENDING_INVITATIONS}
        )


def invitation_by_email(
    *, initiative: Initiative, actor: Any, email: str, message: str = ""
) -> Membership | None:
    """A lead invites whoever has (or will have) the account with `email`.

    With an account: `invitation_create`. Without one: the invitation waits for the address
    (`InitiativeEmailInvitation`) and becomes an ordinary invitation when somebody confirms
    it on an account (`email_invitations_claim`). The caller tells the lead the same thing in
    both cases, so the form never reveals whether an address has an account. Returns the
    membership, or None while the invitation waits for the address.
    """
    if not actor.has_perm("initiatives.invite_member", initiative):
        raise PermissionDenied("initiatives.invite_member")
    email = email.strip().lower()
    invitee = User.objects.filter(
        email__iexact=email, is_active=True, anonymised_at__isnull=True
    ).first()
    if invitee is not None:
        return invitation_create(
            initiative=initiative, actor=actor, invitee=invitee, message=message
        )
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        if _waiting_by_email(initiative).filter(email__iexact=email).exists():
            raise InitiativeError(
                _("%(email)s has already been invited and has not answered yet") % {"email": email}
            )
        _refuse_over_cap(initiative)
        # An old, lapsed invitation to the same address makes way for the new one.
        InitiativeEmailInvitation.objects.filter(
            initiative=initiative, email__iexact=email
        ).delete()
        pending = InitiativeEmailInvitation.objects.create(
            initiative=initiative, email=email, invited_by=actor, message=message
        )
        audit_record(
            actor=actor,
            action="invitation.create_by_email",
            obj=initiative,
            summary=f"Invited an address with no account to join {initiative.title!r}",
            data={"email_invitation": pending.pk},
        )
    return None


def email_invitations_claim(*, user: Any, email: str) -> list[Membership]:
    """Somebody has just confirmed `email` on their account: the invitations waiting for that
    address become theirs, and they are told in the site and by email. An invitation whose
    lead may no longer invite (or that the state of things now refuses) lapses quietly."""
    since = timezone.now() - EMAIL_INVITATION_KEEPS
    claimed: list[Membership] = []
    waiting = InitiativeEmailInvitation.objects.filter(
        email__iexact=email.strip(), created_at__gte=since
    ).select_related("initiative", "invited_by")
    for pending in waiting:
        lead = pending.invited_by
        if lead.pk != user.pk and lead.has_perm("initiatives.invite_member", pending.initiative):
            # Lapses if they are a member already, invited meanwhile, or the initiative is full.
            with contextlib.suppress(InitiativeError):
                claimed.append(
                    invitation_create(
                        initiative=pending.initiative,
                        actor=lead,
                        invitee=user,
                        message=pending.message,
                    )
                )
    InitiativeEmailInvitation.objects.filter(email__iexact=email.strip()).delete()
    return claimed


def _approve_by_invitation(m: Membership, actor: Any, now: datetime.datetime) -> Membership:
    """The person asked to join and a lead then invited them: that is a yes to the request."""
    m.status, m.decided_at, m.decided_by = MembershipStatus.APPROVED, now, actor
    m.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="membership.approve",
        obj=m,
        summary="Approved a request to join by inviting the person",
        data={"user": m.user_id, "by_invitation": True},
    )
    initiative = m.initiative
    notify(
        recipients=[m.user],
        kind=Kind.JOIN_DECISION,
        text=_("You are now a member of %(title)s") % {"title": initiative.title},
        url=initiative.get_absolute_url(),
        initiative=initiative,
    )
    return m


def _open_invitation(membership: Membership) -> Membership:
    """The invitation row, locked, if it still waits for an answer."""
    m = (
        Membership.objects.select_for_update()
        .select_related("initiative", "user")
        .get(pk=membership.pk)
    )
    if m.status != MembershipStatus.INVITED:
        raise InitiativeError(_("This invitation is no longer open"))
    return m


def invitation_accept(*, membership: Membership, user: Any) -> Membership:
    """The invitee says yes and becomes an approved member; the leads are told."""
    with transaction.atomic():
        m = _open_invitation(membership)
        if m.user_id != user.pk:
            raise InitiativeError(_("This invitation is for somebody else"))
        m.status, m.decided_at, m.decided_by = MembershipStatus.APPROVED, timezone.now(), user
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=user,
            action="invitation.accept",
            obj=m,
            summary=f"Accepted the invitation to join {m.initiative.title!r}",
        )
        notify(
            recipients=_leads(m.initiative),
            kind=Kind.INVITATION,
            text=_("%(name)s accepted the invitation to join %(title)s")
            % {"name": notice_name(user), "title": m.initiative.title},
            url=m.initiative.get_absolute_url() + "#people",
            initiative=m.initiative,
            exclude=user,
        )
    return m


def invitation_decline(*, membership: Membership, user: Any) -> Membership:
    """The invitee says no; a safeguarded initiative disappears from their view again."""
    with transaction.atomic():
        m = _open_invitation(membership)
        if m.user_id != user.pk:
            raise InitiativeError(_("This invitation is for somebody else"))
        m.status = MembershipStatus.INVITATION_DECLINED
        m.decided_at, m.decided_by = timezone.now(), user
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=user,
            action="invitation.decline",
            obj=m,
            summary=f"Turned down the invitation to join {m.initiative.title!r}",
        )
        notify(
            recipients=_leads(m.initiative),
            kind=Kind.INVITATION,
            text=_("%(name)s turned down the invitation to join %(title)s")
            % {"name": notice_name(m.user), "title": m.initiative.title},
            url=m.initiative.get_absolute_url() + "#people",
            initiative=m.initiative,
            exclude=user,
        )
    return m


def invitation_withdraw(*, membership: Membership, actor: Any) -> Membership:
    """A lead withdraws an invitation that has not been answered yet."""
    with transaction.atomic():
        m = _open_invitation(membership)
        m.status = MembershipStatus.WITHDRAWN
        m.decided_at, m.decided_by = timezone.now(), actor
        m.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action="invitation.withdraw",
            obj=m,
            summary=f"Withdrew the invitation to join {m.initiative.title!r}",
            data={"user": m.user_id},
        )
    return m


def backing_toggle(*, initiative: Initiative, user: Any) -> bool:
    """“I back this”, or take it back. Returns whether the user now backs it."""
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


# --- Needs -------------------------------------------------------------------------------------


def _need_fields(
    kind: str, volunteers_wanted: int | None, when: str, amount_pence: int | None
) -> dict[str, Any]:
    # Counts and amounts belong to their own kinds; the database holds the same rule.
    if kind == NeedKind.MONEY and amount_pence is None:
        raise InitiativeError(_("Enter how much money you need"))
    if kind == NeedKind.VOLUNTEERS and not volunteers_wanted:
        raise InitiativeError(_("Enter how many volunteers you need"))
    return {
        "kind": kind,
        "volunteers_wanted": volunteers_wanted if kind == NeedKind.VOLUNTEERS else None,
        "when": when if kind == NeedKind.VOLUNTEERS else "",
        "amount_pence": amount_pence if kind == NeedKind.MONEY else None,
    }


def need_create(
    *,
    initiative: Initiative,
    actor: Any,
    kind: str,
    description: str,
    volunteers_wanted: int | None = None,
    when: str = "",
    amount_pence: int | None = None,
) -> Need:
    """Add something the initiative needs."""
    fields = _need_fields(kind, volunteers_wanted, when, amount_pence)
    with transaction.atomic():
        need = Need.objects.create(initiative=initiative, description=description, **fields)
        audit_record(actor=actor, action="need.create", obj=need, summary=f"Added a need: {kind}")
    return need


def need_update(
    *,
    need: Need,
    actor: Any,
    kind: str,
    description: str,
    volunteers_wanted: int | None = None,
    when: str = "",
    amount_pence: int | None = None,
) -> Need:
    """Change what a need asks for."""
    fields = _need_fields(kind, volunteers_wanted, when, amount_pence)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(need, name, value)
        need.description = description
        need.save(update_fields=[*fields, "description"])
        audit_record(actor=actor, action="need.update", obj=need, summary="Edited a need")
    return need


def need_set_status(*, need: Need, actor: Any, met: bool) -> Need:
    """Mark a need met, or reopen it."""
    with transaction.atomic():
        need.status = NeedStatus.MET if met else NeedStatus.OPEN
        need.met_at = timezone.now() if met else None
        need.save(update_fields=["status", "met_at"])
        audit_record(
            actor=actor,
            action="need.met" if met else "need.reopen",
            obj=need,
            summary="Marked a need met" if met else "Reopened a need",
        )
    return need


# --- Updates, milestones, outcome ----------------------------------------------------------------


def update_create(
    *,
    initiative: Initiative,
    author: Any,
    text: str,
    photo: File[Any] | None = None,
    photo_alt: str = "",
) -> Update:
    """Post a progress update (a photo must come with its description).

    The photo is cleaned first (core.images: random name, no metadata, scaled)."""
    if photo is not None and not photo_alt.strip():
        raise InitiativeError(_("Describe the photo for people who cannot see it"))
    if photo is not None:
        try:
            photo = clean_image(photo)
        except ImageRefused as refused:
            raise InitiativeError(refused.message) from None
    with transaction.atomic():
        update = Update(initiative=initiative, author=author, text=text, photo_alt=photo_alt)
        if photo is not None:
            update.photo.save(photo.name or "", photo, save=False)
        else:
            update.photo_alt = ""
        update.save()
        audit_record(actor=author, action="update.create", obj=update, summary="Posted an update")
        followers_notify(
            initiative=initiative,
            text=_("%(title)s: %(update)s") % {"title": initiative.title, "update": text[:200]},
            url=initiative.get_absolute_url(),
            actor=author,
        )
    return update


def milestone_create(
    *, initiative: Initiative, actor: Any, title: str, due_on: datetime.date
) -> Milestone:
    """Add a milestone with its date."""
    with transaction.atomic():
        milestone = Milestone.objects.create(initiative=initiative, title=title, due_on=due_on)
        audit_record(
            actor=actor, action="milestone.create", obj=milestone, summary=f"Milestone {title!r}"
        )
    return milestone


def milestone_set_done(*, milestone: Milestone, actor: Any, done: bool) -> Milestone:
    """Mark a milestone done (today), or not done."""
    with transaction.atomic():
        milestone.done_on = timezone.localdate() if done else None
        milestone.save(update_fields=["done_on"])
        audit_record(
            actor=actor,
            action="milestone.done" if done else "milestone.undone",
            obj=milestone,
            summary="Marked a milestone done" if done else "Marked a milestone not done",
        )
    return milestone


def outcome_record(
    *, initiative: Initiative, actor: Any, what_changed: str, for_whom: str, evidence: str
) -> Outcome:
    """Say what an achieved initiative changed, for whom, and the evidence."""
    with transaction.atomic():
        stage = Initiative.objects.filter(pk=initiative.pk).values_list("stage", flat=True).get()
        if stage != Stage.ACHIEVED:
            raise InitiativeError(_("You can record the outcome once the initiative is achieved"))
        outcome, created = Outcome.objects.update_or_create(
            initiative=initiative,
            defaults={
                "what_changed": what_changed,
                "for_whom": for_whom,
                "evidence": evidence,
                "recorded_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action="outcome.record" if created else "outcome.update",
            obj=outcome,
            summary="Recorded the outcome",
        )
    return outcome
