"""The roles a test may ask for, by name, and who plays each.

Two casts, each a mapping from a role's name to a function that makes somebody standing in that
relation to the thing the test is about:

- `INITIATIVE_CAST`: function(initiative) -> person, for matrix tests on one initiative;
- `GROUP_CAST`: function(group) -> person, for matrix tests on one group.

The people of a whole town (`worlds.build_town`) are named in `worlds.TOWN_CAST`.
`pick(*names)`, `pick_group(*names)` and `worlds.pick_town(*names)` return the named roles (in
that order) and refuse a name the cast does not know, so a test parametrizes over named roles
rather than a hand-written table of builders. Memberships are made through the services, as
the pages make them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.accounts.types import Viewer
from grassroots.groups import services as group_services
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.initiatives.services import invitations as invitation_services
from grassroots.initiatives.services import people as membership_services
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.testing.people import (
    make_councillor,
    make_moderator,
    make_officer,
    make_site_admin,
)

T = TypeVar("T")


def pick_from(cast: Mapping[str, T], names: Iterable[str]) -> dict[str, T]:
    """The roles called `names`, in that order; a name `cast` does not know is an error."""
    unknown = [name for name in names if name not in cast]
    if unknown:
        raise KeyError(f"no such role: {', '.join(unknown)}")
    return {name: cast[name] for name in names}


# --- Around one initiative ----------------------------------------------------------------


def make_member(initiative: Initiative, user: User | None = None) -> User:
    """Asks to join and is approved by a lead, as through the pages."""
    user = user or UserFactory()
    membership = _ask(initiative, user, message="Hi")
    membership_services.membership_decide(
        membership=membership, actor=initiative.created_by, approve=True
    )
    return user


def make_colead(initiative: Initiative, user: User | None = None) -> User:
    user = make_member(initiative, user)
    membership_services.membership_make_lead(
        membership=Membership.objects.get(initiative=initiative, user=user),
        actor=initiative.created_by,
    )
    return user


def invite_to_initiative(initiative: Initiative, user: User, message: str = "") -> Membership:
    """The initiative's first lead invites `user`, as through the invite page."""
    return invitation_services.invitation_create(
        initiative=initiative, actor=initiative.created_by, invitee=user, message=message
    )


def left(initiative: Initiative, user: User) -> None:
    Membership.objects.filter(initiative=initiative, user=user).update(
        status=MembershipStatus.LEFT, role=MemberRole.MEMBER
    )


def _lead(initiative: Initiative) -> User:
    user = initiative.created_by
    assert user is not None
    return user


def _ask(initiative: Initiative, user: User, message: str = "") -> Membership:
    if initiative.visibility == Visibility.SAFEGUARDED:
        # Nobody outside can see a safeguarded initiative to ask (the service refuses them):
        # this request stands for one made while it was public.
        return Membership.objects.create(initiative=initiative, user=user, message=message)
    return membership_services.membership_request(initiative=initiative, user=user, message=message)


def _requested(initiative: Initiative) -> User:
    user = UserFactory()
    _ask(initiative, user)
    return user


def _ward_councillor(initiative: Initiative) -> User:
    return make_councillor(initiative.wards.first())


def _councillor_member(initiative: Initiative) -> User:
    return make_member(initiative, _ward_councillor(initiative))


def _elected_lead(initiative: Initiative) -> User:
    """A lead who has since been elected for one of its wards: the back seat applies."""
    user = make_member(initiative)
    Membership.objects.filter(initiative=initiative, user=user).update(role=MemberRole.LEAD)
    return make_councillor(initiative.wards.first(), user=user)


def _lead_elsewhere(initiative: Initiative) -> User:
    lead: User = InitiativeFactory().created_by
    return lead


def _anonymous(thing: object) -> Viewer:
    return AnonymousUser()


def _resident(thing: object) -> Viewer:
    user: User = UserFactory()
    return user


INITIATIVE_CAST: dict[str, Callable[[Initiative], Viewer]] = {
    "anonymous": _anonymous,
    "resident": _resident,
    "lead of another initiative": _lead_elsewhere,
    "asked to join": _requested,
    "member": make_member,
    "lead": _lead,
    "co-lead": make_colead,
    "councillor of another ward": lambda i: make_councillor(),
    "councillor of this ward": _ward_councillor,
    "councillor of this ward who is a member": _councillor_member,
    "lead since elected for this ward": _elected_lead,
    "officer": lambda i: make_officer(),
    "site admin": lambda i: make_site_admin(),
}
LEADS = {"lead", "co-lead"}
MEMBERS = LEADS | {
    "member",
    "councillor of this ward who is a member",
    "lead since elected for this ward",
}
SIGNED_IN = set(INITIATIVE_CAST) - {"anonymous"}


def pick(*names: str) -> dict[str, Callable[[Initiative], Viewer]]:
    """The named roles around an initiative (all of them when no name is given)."""
    return pick_from(INITIATIVE_CAST, names or INITIATIVE_CAST)


# --- Around one group ---------------------------------------------------------------------


def organiser_of(group: Group) -> User:
    row = GroupMembership.objects.filter(group=group, role="organiser", status="active").first()
    assert row is not None
    user: User = row.user
    return user


def invite_to_group(group: Group, user: User | None = None) -> GroupMembership:
    """An organiser invites `user` (a new resident by default)."""
    user = user or UserFactory()
    membership = group_services.invitation_create(
        group=group, actor=organiser_of(group), email=user.email, message=""
    )
    assert membership is not None  # the account exists, so the invitation is theirs at once
    return membership


def make_group_member(group: Group, user: User | None = None) -> User:
    """Joins an open group, or accepts an organiser's invitation to an invite-only one."""
    user = user or UserFactory()
    if group.joining == Joining.OPEN:
        group_services.group_join(group=group, user=user)
    else:
        group_services.invitation_accept(membership=invite_to_group(group, user), user=user)
    return user


def make_group_organiser(group: Group, user: User | None = None) -> User:
    user = make_group_member(group, user)
    group_services.member_make_organiser(
        membership=GroupMembership.objects.get(group=group, user=user), actor=organiser_of(group)
    )
    return user


def _invited(group: Group) -> User:
    user: User = invite_to_group(group).user
    return user


def _removed(group: Group) -> User:
    user = make_group_member(group)
    group_services.member_remove(
        membership=GroupMembership.objects.get(group=group, user=user), actor=organiser_of(group)
    )
    return user


def _left(group: Group) -> User:
    user = make_group_member(group)
    group_services.group_leave(group=group, user=user)
    return user


def _organiser(group: Group) -> User:
    user = group.created_by
    assert user is not None
    return user


def _organiser_elsewhere(group: Group) -> User:
    other = GroupFactory(council=group.council)
    assert other.created_by is not None
    user: User = other.created_by
    return user


GROUP_CAST: dict[str, Callable[[Group], Viewer]] = {
    "anonymous": _anonymous,
    "resident": _resident,
    "invited": _invited,
    "left": _left,
    "removed": _removed,
    "member": make_group_member,
    "organiser": _organiser,
    "co-organiser": make_group_organiser,
    "organiser of another group": _organiser_elsewhere,
    "councillor": lambda g: make_councillor(),
    "councillor who is a member": lambda g: make_group_member(g, make_councillor()),
    "officer": lambda g: make_officer(),
    "moderator": lambda g: make_moderator(),
    "site admin": lambda g: make_site_admin(),
}
ORGANISERS = {"organiser", "co-organiser"}
GROUP_MEMBERS = ORGANISERS | {"member", "councillor who is a member"}
GROUP_SIGNED_IN = set(GROUP_CAST) - {"anonymous"}


def pick_group(*names: str) -> dict[str, Callable[[Group], Viewer]]:
    """The named roles around a group (all of them when no name is given)."""
    return pick_from(GROUP_CAST, names or GROUP_CAST)
