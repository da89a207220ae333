"""Who may do what with a resident group (rules predicates; see tests/test_rules_groups.py).

Groups are public: anybody may see a group's page, its organisers and how to join. Organisers
(active memberships with the organiser role) run the group: they edit it, manage its members and
invitations, host its conversations and events and add venues for it. Any signed-in resident may
start a group, join an open one (unless an organiser removed them: then only a new invitation
lets them back) and leave. Councillors, officers and moderators have no special powers here;
they take part as residents.

Ask these from other apps with the group as the object, for example
`request.user.has_perm("groups.host_event", group)`:

- `groups.see_group` — everybody;
- `groups.create_group` — anybody signed in (no object);
- `groups.change_group` — the group's organisers, and site admins (the Django admin site asks
  this name without an object, so site admins must pass it);
- `groups.manage_members` — organisers: withdraw invitations, remove members;
- `groups.invite` — organisers, while the group is not archived;
- `groups.make_organiser` — organisers, and site admins (who appoint one when nobody is left
  to run the group);
- `groups.host_conversation` — organisers, while the group is not archived: start a
  conversation hosted by the group;
- `groups.host_event` — organisers, while the group is not archived: put on an event hosted
  by the group;
- `groups.manage_venues` — organisers, while the group is not archived: add and edit the
  group's venues;
- `groups.manage_events` — organisers, archived or not: change or cancel the group's events
  that already exist, write their minutes (for the events app; `host_event` is for new ones);
- `groups.join` — signed in, the group is open and not archived, not already in it and not
  removed from it;
- `groups.leave` — active members and organisers (the service refuses the last organiser);
- `groups.step_down` — organisers (the service refuses the last organiser);
- `groups.archive_group` / `groups.unarchive_group` — organisers and site admins, when the
  group is not archived / is archived.

An archived group (`archived_at` set) stays readable, but nobody joins it, is invited to it or
hosts anything new in it until it is unarchived.

Invitations are GroupMembership rows with status "invited"; with such a row as the object:
`groups.accept_invitation` and `groups.decline_invitation` (the invitee only) and
`groups.withdraw_invitation` (the group's organisers).

Predicates cache the user's membership on the group object, so a page asking many questions
about one group costs one query.
"""

from __future__ import annotations

from typing import TypeGuard

import rules

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.groups.models import (
    Group,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    Joining,
)


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def membership_of(user: Viewer, group: Group | None) -> GroupMembership | None:
    """The user's membership row in `group` (any status), remembered for the request."""
    if group is None or not _signed_in(user):
        return None
    return cached(
        ("groups.membership", group.pk, user.pk),
        lambda: GroupMembership.objects.filter(group=group, user=user).first(),
    )


@rules.predicate
def is_group_member(user: Viewer, group: Group | None) -> bool:
    """An active member of the group, whatever their role (organisers are members too)."""
    m = membership_of(user, group)
    return m is not None and m.status == GroupMembershipStatus.ACTIVE


@rules.predicate
def is_group_organiser(user: Viewer, group: Group | None) -> bool:
    m = membership_of(user, group)
    return (
        m is not None and m.status == GroupMembershipStatus.ACTIVE and m.role == GroupRole.ORGANISER
    )


@rules.predicate
def was_removed(user: Viewer, group: Group | None) -> bool:
    m = membership_of(user, group)
    return m is not None and m.status == GroupMembershipStatus.REMOVED


@rules.predicate
def is_open(user: Viewer, group: Group | None) -> bool:
    return group is not None and group.joining == Joining.OPEN


@rules.predicate
def is_archived(user: Viewer, group: Group | None) -> bool:
    return group is not None and group.archived_at is not None


@rules.predicate
def is_a_group(user: Viewer, group: Group | None) -> bool:
    return isinstance(group, Group)


# Invitations: the object is the GroupMembership row holding the invitation.


@rules.predicate
def is_pending_invitation(user: Viewer, membership: GroupMembership | None) -> bool:
    return (
        isinstance(membership, GroupMembership)
        and membership.status == GroupMembershipStatus.INVITED
    )


@rules.predicate
def is_the_invitee(user: Viewer, membership: GroupMembership | None) -> bool:
    return membership is not None and _signed_in(user) and membership.user_id == user.pk


@rules.predicate
def organises_its_group(user: Viewer, membership: GroupMembership | None) -> bool:
    return membership is not None and bool(is_group_organiser(user, membership.group))


@rules.predicate
def its_group_is_archived(user: Viewer, membership: GroupMembership | None) -> bool:
    return membership is not None and membership.group.archived_at is not None


signed_in = rules.predicate(_signed_in)
organiser = signed_in & is_group_organiser
live = is_a_group & ~is_archived

rules.add_perm("groups.see_group", is_a_group)
rules.add_perm("groups.create_group", signed_in)
rules.add_perm("groups.change_group", organiser | is_site_admin)
rules.add_perm("groups.manage_members", organiser)
rules.add_perm("groups.invite", live & organiser)
rules.add_perm("groups.make_organiser", is_a_group & (organiser | is_site_admin))
rules.add_perm("groups.host_conversation", live & organiser)
rules.add_perm("groups.host_event", live & organiser)
rules.add_perm("groups.manage_venues", live & organiser)
rules.add_perm("groups.manage_events", is_a_group & organiser)
rules.add_perm("groups.join", signed_in & live & is_open & ~is_group_member & ~was_removed)
rules.add_perm("groups.leave", signed_in & is_group_member)
rules.add_perm("groups.step_down", organiser)
rules.add_perm("groups.archive_group", live & (organiser | is_site_admin))
rules.add_perm("groups.unarchive_group", is_a_group & is_archived & (organiser | is_site_admin))
rules.add_perm(
    "groups.accept_invitation",
    signed_in & is_pending_invitation & is_the_invitee & ~its_group_is_archived,
)
rules.add_perm("groups.decline_invitation", signed_in & is_pending_invitation & is_the_invitee)
# The invitation services' own check: only the invitee answers (what has changed since, they
# refuse with a reason).
rules.add_perm("groups.answer_invitation", signed_in & is_the_invitee)
rules.add_perm(
    "groups.withdraw_invitation", signed_in & is_pending_invitation & organises_its_group
)
