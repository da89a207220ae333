"""Writes for resident groups: each change in one place, inside a transaction, in the audit log.

A person has at most one GroupMembership row per group; its status tells where they stand
(invited, active, declined, left, removed, withdrawn) and its role whether they organise. A
group always keeps at least one active organiser: the last one can neither leave nor step down
until they have made another member an organiser. Changes that could race on that rule lock
the group row first.

Each public function asks its rule in `rules.py` with `require()` before it changes anything
(`PermissionDenied` for somebody the rule leaves out); a change the group's state does not
allow is a `ServiceError` whose message is for the person who tried.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.models import User
from grassroots.accounts.selectors import notice_name
from grassroots.accounts.types import Actor
from grassroots.core import invitations as invitation_policy
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.slugs import unique_slug
from grassroots.groups.models import (
    Group,
    GroupEmailInvitation,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    Joining,
)
from grassroots.places.models import Council, Ward

ACTIVE = GroupMembershipStatus.ACTIVE

# Paths under /groups/ that are pages, not groups.
RESERVED_SLUGS = frozenset({"create", "new", "invitations", "feed", "mine"})
# At most this many invitations may wait for an answer in one group at a time: enough for a
# group starting out, few enough that a group cannot be used to mail people in bulk. The rest of
# the invitation policy (the wait after a "no", how long an invitation to an address keeps) and
# the steps shared with initiatives (the cap counted over both kinds of invitation, invitations
# kept for an address and claimed when it is confirmed) are grassroots.core.invitations.
MAX_PENDING_INVITATIONS = 30
INVITATION_POLICY = invitation_policy.Policy(
    cap=MAX_PENDING_INVITATIONS,
    declined_recently=gettext_lazy(
        "%(email)s turned down an invitation to this group recently. "
        "You can invite them again from %(date)s"
    ),
    full=gettext_lazy(
        "%(count)s invitations are already waiting for an answer, the most a group "
        "can have. Withdraw one before you invite somebody else"
    ),
)


def _invited(group: Group) -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(group=group, status=GroupMembershipStatus.INVITED)


INVITATIONS: invitation_policy.Invitations[Group, GroupEmailInvitation] = (
    invitation_policy.Invitations(
        policy=INVITATION_POLICY, by_email=GroupEmailInvitation, to="group", invited=_invited
    )
)


def _name_taken(council: Council, name: str, *, exclude: Group | None = None) -> bool:
    qs = Group.objects.filter(council=council, name__iexact=name.strip())
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def _name_taken_message(council: Council) -> str:
    return _("%(council)s already has a group with this name. Choose a different name") % {
        "council": council.name
    }


def _unique_slug(name: str) -> str:
    return unique_slug(
        name,
        max_length=120,
        fallback="group",
        taken=lambda slug: Group.objects.filter(slug=slug).exists(),
        reserved=RESERVED_SLUGS,
    )


def _check_wards(
    council: Council, wards: Iterable[Ward], *, already: Iterable[Ward] = ()
) -> list[Ward]:
    """The chosen wards, all of `council`; retired wards only where the group already had them
    (a boundary review must not quietly take a ward off a group, nor let a new one choose it)."""
    wards = list(wards)
    if any(w.council_id != council.pk for w in wards):
        raise ServiceError(_("Choose wards of the group's council"))
    kept = {w.pk for w in already}
    if any(w.retired_at is not None and w.pk not in kept for w in wards):
        raise ServiceError(_("Choose wards that exist today"))
    return wards


def _refuse_if_archived(group: Group) -> None:
    if group.archived_at is not None:
        raise ServiceError(_("This group is archived. Nobody can join it or be invited to it"))


def group_create(
    *,
    creator: Actor,
    council: Council,
    name: str,
    description: str,
    joining: str = Joining.OPEN,
    wards: Iterable[Ward] = (),
) -> Group:
    """Start a group; its creator becomes its first organiser. The slug never changes after."""
    require(creator, "groups.create_group")
    name = name.strip()
    ward_list = _check_wards(council, wards)
    if _name_taken(council, name):
        raise ServiceError(_name_taken_message(council))
    for attempt in range(5):
        try:
            with transaction.atomic():
                group = Group.objects.create(
                    council=council,
                    name=name,
                    slug=_unique_slug(name),
                    description=description,
                    joining=joining,
                    created_by=creator,
                )
                group.wards.set(ward_list)
                GroupMembership.objects.create(
                    group=group,
                    user=creator,
                    role=GroupRole.ORGANISER,
                    status=ACTIVE,
                    decided_at=timezone.now(),
                )
                audit_record(
                    actor=creator,
                    action="group.create",
                    obj=group,
                    summary=f"Started group {name!r}",
                    data={"wards": [w.pk for w in ward_list], "joining": joining},
                )
                return group
        except IntegrityError:
            # The same name at the same moment, or a slug taken in between: look again.
            if _name_taken(council, name):
                raise ServiceError(_name_taken_message(council)) from None
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def group_update(
    *,
    group: Group,
    actor: Actor,
    name: str,
    description: str,
    joining: str,
    wards: Iterable[Ward],
) -> Group:
    """An organiser changes the group's name, description, wards or how people join.

    The slug stays as it was, so links to the group keep working after a rename. Opening an
    invite-only group leaves waiting invitations as they are (they can still be accepted).
    """
    require(actor, "groups.change_group", group)
    name = name.strip()
    ward_list = _check_wards(group.council, wards, already=group.wards.all())
    if _name_taken(group.council, name, exclude=group):
        raise ServiceError(_name_taken_message(group.council))
    with transaction.atomic():
        before = {
            "name": group.name,
            "joining": group.joining,
            "wards": sorted(group.wards.values_list("pk", flat=True)),
        }
        group.name, group.description, group.joining = name, description, joining
        try:
            with transaction.atomic():
                group.save(update_fields=["name", "description", "joining", "updated_at"])
        except IntegrityError:
            raise ServiceError(_name_taken_message(group.council)) from None
        group.wards.set(ward_list)
        audit_record(
            actor=actor,
            action="group.update",
            obj=group,
            summary=f"Edited group {name!r}",
            data={
                "before": before,
                "after": {
                    "name": name,
                    "joining": joining,
                    "wards": sorted(w.pk for w in ward_list),
                },
            },
        )
    return group


def _organisers(group: Group) -> list[User]:
    return [
        m.user
        for m in GroupMembership.objects.filter(
            group=group, role=GroupRole.ORGANISER, status=ACTIVE
        ).select_related("user")
    ]


def _lock(group: Group) -> None:
    """Serialise changes to one group's members (the last-organiser rule depends on it).

    The archive mark is read again under the lock, so a join or an invitation cannot slip in
    while the group is being archived."""
    locked = Group.objects.select_for_update().filter(pk=group.pk).first()
    if locked is not None:
        group.archived_at = locked.archived_at


def _other_organisers_exist(group: Group, user: Actor) -> bool:
    # Only organisers who can still sign in count: a deleted account organises nothing.
    return (
        GroupMembership.objects.filter(
            group=group, role=GroupRole.ORGANISER, status=ACTIVE, user__is_active=True
        )
        .exclude(user=user)
        .exists()
    )


def group_join(*, group: Group, user: Actor) -> GroupMembership:
    """Join an open group at once (a waiting invitation, if any, counts as accepted).

    Each reason the group cannot take them is told in words first; the rule then has only the
    person left to refuse (a deleted account, say)."""
    if group.joining != Joining.OPEN:
        raise ServiceError(_("Only an organiser can invite you to join this group"))
    with transaction.atomic():
        _lock(group)
        _refuse_if_archived(group)
        m = GroupMembership.objects.filter(group=group, user=user).first()
        if m is not None and m.status == ACTIVE:
            raise ServiceError(_("You are already a member of this group"))
        if m is not None and m.status == GroupMembershipStatus.REMOVED:
            raise ServiceError(
                _("An organiser removed you from this group. Only an organiser can invite you back")
            )
        require(user, "groups.join", group)
        now = timezone.now()
        if m is None:
            m = GroupMembership.objects.create(
                group=group, user=user, role=GroupRole.MEMBER, status=ACTIVE, decided_at=now
            )
        else:
            m.status, m.role, m.decided_at = ACTIVE, GroupRole.MEMBER, now
            m.save(update_fields=["status", "role", "decided_at", "updated_at"])
        audit_record(actor=user, action="group.join", obj=m, summary=f"Joined {group.name!r}")
        notify(
            recipients=_organisers(group),
            kind=Kind.JOIN_REQUEST,
            text=_("%(name)s joined %(group)s") % {"name": notice_name(user), "group": group.name},
            url=group.get_absolute_url() + "#members",
            exclude=user,
        )
    return m


def group_leave(*, group: Group, user: Actor) -> None:
    """Leave a group (the last organiser must first make somebody else an organiser)."""
    require(user, "groups.leave", group)
    with transaction.atomic():
        _lock(group)
        m = GroupMembership.objects.filter(group=group, user=user, status=ACTIVE).first()
        if m is None:
            raise ServiceError(_("You are not a member of this group"))
        if m.role == GroupRole.ORGANISER and not _other_organisers_exist(group, user):
            raise ServiceError(
                _(
                    "You are the group's only organiser. Make another member an organiser "
                    "before you leave"
                )
            )
        m.status, m.role, m.decided_at = (
            GroupMembershipStatus.LEFT,
            GroupRole.MEMBER,
            timezone.now(),
        )
        m.save(update_fields=["status", "role", "decided_at", "updated_at"])
        audit_record(actor=user, action="group.leave", obj=m, summary=f"Left {group.name!r}")


def _active_row(membership: GroupMembership) -> GroupMembership:
    m = GroupMembership.objects.select_related("group", "user").get(pk=membership.pk)
    if m.status != ACTIVE:
        raise ServiceError(
            _("%(name)s is not a member of this group") % {"name": m.user.public_name}
        )
    return m


def member_remove(*, membership: GroupMembership, actor: Actor) -> GroupMembership:
    """An organiser removes a member (or another organiser); they cannot rejoin on their own."""
    require(actor, "groups.manage_members", membership.group)
    with transaction.atomic():
        _lock(membership.group)
        m = _active_row(membership)
        if m.user_id == actor.pk:
            raise ServiceError(_("You cannot remove yourself. Leave the group instead"))
        m.status, m.role = GroupMembershipStatus.REMOVED, GroupRole.MEMBER
        m.decided_at = timezone.now()
        m.save(update_fields=["status", "role", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="group.member_remove",
            obj=m,
            summary=f"Removed a member from {m.group.name!r}",
            data={"user": m.user_id},
        )
        notify(
            recipients=[m.user],
            kind=Kind.JOIN_DECISION,
            text=_("An organiser removed you from %(group)s") % {"group": m.group.name},
            url=m.group.get_absolute_url(),
        )
    return m


def member_make_organiser(*, membership: GroupMembership, actor: Actor) -> GroupMembership:
    """An organiser (or a site admin, for a group nobody is left to run) makes an active member
    an organiser too; the member is told."""
    require(actor, "groups.make_organiser", membership.group)
    with transaction.atomic():
        _lock(membership.group)
        m = _active_row(membership)
        if not m.user.is_active:
            raise ServiceError(_("This account has been deleted"))
        if m.role == GroupRole.ORGANISER:
            raise ServiceError(_("%(name)s is already an organiser") % {"name": m.user.public_name})
        # Whether the actor organises the group themselves, or appoints as a site admin.
        by_organiser = GroupMembership.objects.filter(
            group=m.group, user=actor, role=GroupRole.ORGANISER, status=ACTIVE
        ).exists()
        m.role = GroupRole.ORGANISER
        m.save(update_fields=["role", "updated_at"])
        audit_record(
            actor=actor,
            action="group.make_organiser",
            obj=m,
            summary=f"Made a member an organiser of {m.group.name!r}",
            data={"user": m.user_id, "as": "organiser" if by_organiser else "site admin"},
        )
        notify(
            recipients=[m.user],
            kind=Kind.JOIN_DECISION,
            text=_("You are now an organiser of %(group)s") % {"group": m.group.name},
            url=m.group.get_absolute_url(),
            exclude=actor,
        )
    return m


def organiser_step_down(*, group: Group, user: Actor) -> GroupMembership:
    """An organiser becomes an ordinary member; a group is never left without an organiser."""
    require(user, "groups.step_down", group)
    with transaction.atomic():
        _lock(group)
        m = GroupMembership.objects.filter(
            group=group, user=user, status=ACTIVE, role=GroupRole.ORGANISER
        ).first()
        if m is None:
            raise ServiceError(_("You are not an organiser of this group"))
        if not _other_organisers_exist(group, user):
            raise ServiceError(
                _(
                    "You are the group's only organiser. Make another member an organiser "
                    "before you step down"
                )
            )
        m.role = GroupRole.MEMBER
        m.save(update_fields=["role", "updated_at"])
        audit_record(
            actor=user, action="group.step_down", obj=m, summary=f"Stepped down in {group.name!r}"
        )
    return m


# --- Invitations ---------------------------------------------------------------------------------
#
# Organisers invite a person by the email address of their Grassroots account. The invitation
# lives on the person's GroupMembership row (status "invited"), so one row per person per group
# still holds and an accepted invitation is an ordinary active membership.


def _invitee_for(email: str) -> User | None:
    return User.objects.filter(
        email__iexact=email.strip(), is_active=True, anonymised_at__isnull=True
    ).first()


def _invite_address(*, group: Group, actor: Actor, email: str, message: str) -> None:
    """No account has `email`: the invitation waits for somebody to confirm it on one."""
    with transaction.atomic():
        _lock(group)
        _refuse_if_archived(group)
        pending = INVITATIONS.invite_address(group, actor=actor, email=email, message=message)
        audit_record(
            actor=actor,
            action="group.invitation_create_by_email",
            obj=group,
            summary=f"Invited an address with no account to join {group.name!r}",
            data={"email_invitation": pending.pk},
        )


def email_invitations_claim(*, user: Actor, email: str) -> list[GroupMembership]:
    """Somebody has just confirmed `email` on their account: the group invitations waiting for
    that address become theirs, and they are told in the site and by email. One whose
    organiser may no longer invite (or that the group now refuses) lapses quietly."""

    def invite(pending: GroupEmailInvitation) -> GroupMembership:
        # Refused (so lapses) if they are a member already, invited meanwhile, the group is
        # archived or full.
        return _invite_account(
            group=pending.group, actor=pending.invited_by, invitee=user, message=pending.message
        )

    return INVITATIONS.claim(user=user, email=email, perm="groups.invite", invite=invite)


def invitation_create(
    *, group: Group, actor: Actor, email: str, message: str = ""
) -> GroupMembership | None:
    """An organiser invites whoever has (or will have) the account with `email`: an account
    holder is told in the site and by email, and accepts or declines (for an open group too:
    accepting is joining). With no account, the invitation waits for the address and None is
    returned; the caller answers the organiser the same way in both cases, so the form never
    tells who has an account."""
    # Organisers manage who is in the group; an archived group refuses below, with a reason.
    require(actor, "groups.manage_members", group)
    invitee = _invitee_for(email)
    if invitee is None:
        _invite_address(group=group, actor=actor, email=email, message=message)
        return None
    return _invite_account(group=group, actor=actor, invitee=invitee, message=message)


def _invite_account(*, group: Group, actor: Actor, invitee: User, message: str) -> GroupMembership:
    if invitee.pk == actor.pk:
        raise ServiceError(_("You cannot invite yourself"))
    shown = invitee.email
    with transaction.atomic():
        _lock(group)
        _refuse_if_archived(group)
        m = GroupMembership.objects.filter(group=group, user=invitee).first()
        now = timezone.now()
        if m is not None and m.status == ACTIVE:
            raise ServiceError(_("%(email)s is already a member of this group") % {"email": shown})
        if m is not None and m.status == GroupMembershipStatus.INVITED:
            raise invitation_policy.already_invited(shown)
        if m is not None and m.status == GroupMembershipStatus.DECLINED:
            INVITATIONS.refuse_declined_recently(email=shown, declined_at=m.decided_at, now=now)
        INVITATIONS.refuse_over_cap(group)
        fields: dict[str, Any] = {
            "status": GroupMembershipStatus.INVITED,
            "role": GroupRole.MEMBER,
            "invited_by": actor,
            "invited_at": now,
            "invitation_message": message,
            "decided_at": None,
        }
        if m is None:
            m = GroupMembership.objects.create(group=group, user=invitee, **fields)
        else:
            for field, value in fields.items():
                setattr(m, field, value)
            m.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="group.invitation_create",
            obj=m,
            summary=f"Invited a person to join {group.name!r}",
            data={"user": invitee.pk},
        )
        notify(
            recipients=[invitee],
            kind=Kind.INVITATION,
            text=_("%(name)s invited you to join %(group)s")
            % {"name": notice_name(actor), "group": group.name},
            url=group.get_absolute_url() + "#invitation",
        )
    return m


def _open_invitation(membership: GroupMembership) -> GroupMembership:
    m = GroupMembership.objects.select_related("group", "user").get(pk=membership.pk)
    if m.status != GroupMembershipStatus.INVITED:
        raise ServiceError(_("This invitation is no longer open"))
    return m


def invitation_accept(*, membership: GroupMembership, user: Actor) -> GroupMembership:
    """The invitee says yes and becomes an active member; the organisers are told."""
    # Only the invitee answers; an invitation no longer open, or an archived group, is refused
    # below with a reason (the page may be older than the change).
    require(user, "groups.answer_invitation", membership)
    with transaction.atomic():
        _lock(membership.group)
        m = _open_invitation(membership)
        if m.user_id != user.pk:
            raise ServiceError(_("This invitation is for somebody else"))
        _refuse_if_archived(m.group)
        m.status, m.decided_at = ACTIVE, timezone.now()
        m.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=user,
            action="group.invitation_accept",
            obj=m,
            summary=f"Accepted the invitation to join {m.group.name!r}",
        )
        notify(
            recipients=_organisers(m.group),
            kind=Kind.INVITATION,
            text=_("%(name)s accepted the invitation to join %(group)s")
            % {"name": notice_name(user), "group": m.group.name},
            url=m.group.get_absolute_url() + "#members",
            exclude=user,
        )
    return m


def invitation_decline(*, membership: GroupMembership, user: Actor) -> GroupMembership:
    """The invitee says no; the organisers are told."""
    require(user, "groups.answer_invitation", membership)
    with transaction.atomic():
        _lock(membership.group)
        m = _open_invitation(membership)
        if m.user_id != user.pk:
            raise ServiceError(_("This invitation is for somebody else"))
        m.status, m.decided_at = GroupMembershipStatus.DECLINED, timezone.now()
        m.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=user,
            action="group.invitation_decline",
            obj=m,
            summary=f"Turned down the invitation to join {m.group.name!r}",
        )
        notify(
            recipients=_organisers(m.group),
            kind=Kind.INVITATION,
            text=_("%(name)s turned down the invitation to join %(group)s")
            % {"name": notice_name(user), "group": m.group.name},
            url=m.group.get_absolute_url() + "#members",
            exclude=user,
        )
    return m


def invitation_withdraw(*, membership: GroupMembership, actor: Actor) -> GroupMembership:
    """An organiser withdraws an invitation that has not been answered yet."""
    require(actor, "groups.manage_members", membership.group)
    with transaction.atomic():
        _lock(membership.group)
        m = _open_invitation(membership)
        m.status, m.decided_at = GroupMembershipStatus.WITHDRAWN, timezone.now()
        m.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            action="group.invitation_withdraw",
            obj=m,
            summary=f"Withdrew the invitation to join {m.group.name!r}",
            data={"user": m.user_id},
        )
    return m


# --- Archiving -----------------------------------------------------------------------------------


def group_archive(*, group: Group, actor: Actor) -> Group:
    """An organiser or a site admin archives a group that has finished.

    Its page, conversations and events stay readable; nobody can join it, be invited to it or
    host anything new in it (see rules.py). Invitations still waiting for an answer are
    withdrawn, since they could no longer be accepted.
    """
    with transaction.atomic():
        _lock(group)
        if group.archived_at is not None:
            raise ServiceError(_("This group is already archived"))
        require(actor, "groups.archive_group", group)
        now = timezone.now()
        waiting = list(
            GroupMembership.objects.filter(
                group=group, status=GroupMembershipStatus.INVITED
            ).values_list("pk", "user_id")
        )
        GroupMembership.objects.filter(pk__in=[pk for pk, _user in waiting]).update(
            status=GroupMembershipStatus.WITHDRAWN, decided_at=now, updated_at=now
        )
        group.archived_at = now
        group.save(update_fields=["archived_at", "updated_at"])
        audit_record(
            actor=actor,
            action="group.archive",
            obj=group,
            summary=f"Archived group {group.name!r}",
            data={"withdrawn_invitations": [user_id for _pk, user_id in waiting]},
        )
    return group


def group_unarchive(*, group: Group, actor: Actor) -> Group:
    """An organiser or a site admin brings an archived group back into use."""
    with transaction.atomic():
        _lock(group)
        if group.archived_at is None:
            raise ServiceError(_("This group is not archived"))
        require(actor, "groups.unarchive_group", group)
        archived_at = group.archived_at
        group.archived_at = None
        group.save(update_fields=["archived_at", "updated_at"])
        audit_record(
            actor=actor,
            action="group.unarchive",
            obj=group,
            summary=f"Unarchived group {group.name!r}",
            data={"archived_at": archived_at.isoformat()},
        )
    return group
