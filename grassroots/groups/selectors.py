"""Reads about resident groups, shaped so each page costs a fixed number of queries.

Public helpers other apps may use:

- `is_member(user, group)` — an active member (organisers count as members);
- `is_organiser(user, group)` — an active organiser;
- `groups_for_user(user)` — the groups the user is an active member of;
- `member_ids(group)` / `organiser_ids(group)` — for notifications;
- `groups_without_organiser()` — groups nobody can run any more (for site admins);

For permissions ask the rules instead (`user.has_perm("groups.host_event", group)`, see
`groups/rules.py`); these helpers answer questions of fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import remember
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.groups.rules import is_group_member, is_group_organiser, membership_of
from grassroots.places.models import Council, Ward

ACTIVE = GroupMembershipStatus.ACTIVE


def is_member(user: Viewer, group: Group) -> bool:
    """Whether `user` is an active member of `group` (organisers are members too).

    Anonymous and deactivated users are never members. The answer is remembered for the
    rest of the request.
    """
    return bool(is_group_member(user, group))


def is_organiser(user: Viewer, group: Group) -> bool:
    """Whether `user` is an active organiser of `group` (remembered for the request)."""
    return bool(is_group_organiser(user, group))


def groups_for_user(user: Viewer) -> QuerySet[Group]:
    """The groups `user` is an active member or organiser of, by name (empty for anonymous)."""
    return _groups_of(user)


def organised_by(user: Viewer) -> QuerySet[Group]:
    """The groups `user` organises and that are not archived (for choosing a host of a
    conversation or an event: an archived group hosts nothing new)."""
    return _groups_of(user, role=GroupRole.ORGANISER).filter(archived_at__isnull=True)


def _groups_of(user: Viewer, **role: str) -> QuerySet[Group]:
    if not isinstance(user, User) or not user.is_active:
        return Group.objects.none()
    # One filter() over the membership join: the same row must match user, status and role.
    rows = GroupMembership.objects.filter(user=user, status=ACTIVE, **role)
    return (
        Group.objects.filter(pk__in=rows.values("group_id"))
        .select_related("council")
        .order_by("name", "pk")
    )


def member_ids(group: Group) -> set[int]:
    """Ids of the group's active members and organisers (one query)."""
    return set(
        GroupMembership.objects.filter(
            group=group, status=ACTIVE, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def organiser_ids(group: Group) -> set[int]:
    """Ids of the group's active organisers (one query)."""
    return set(
        GroupMembership.objects.filter(
            group=group, status=ACTIVE, role=GroupRole.ORGANISER, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def groups_without_organiser() -> QuerySet[Group]:
    """Groups with no active organiser who can still sign in (the last one deleted their
    account, say): a site admin appoints one of the members."""
    run = GroupMembership.objects.filter(
        status=ACTIVE, role=GroupRole.ORGANISER, user__is_active=True
    ).values("group_id")
    return Group.objects.exclude(pk__in=run)


def _with_member_count(queryset: QuerySet[Group]) -> QuerySet[Group]:
    return queryset.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__status=ACTIVE, memberships__user__is_active=True),
            distinct=True,
        )
    )


def group_list(
    *,
    council: Council | None = None,
    ward: Ward | None = None,
    q: str = "",
    archived: bool = False,
) -> QuerySet[Group]:
    """Groups for the list page, filtered by council, ward and words of the name: the groups
    in use, or with `archived` only the archived ones."""
    qs = Group.objects.filter(archived_at__isnull=not archived)
    if council is not None:
        qs = qs.filter(council=council)
    if ward is not None:
        qs = qs.filter(wards=ward)
    for word in q.split()[:10]:
        qs = qs.filter(name__icontains=word)
    return (
        _with_member_count(qs)
        .select_related("council")
        .prefetch_related(Prefetch("wards", queryset=Ward.objects.order_by("name")))
        .order_by("name", "pk")
    )


def councils_with_groups() -> QuerySet[Council]:
    return Council.objects.filter(groups__isnull=False).distinct().order_by("name")


def wards_with_groups(council: Council | None = None) -> QuerySet[Ward]:
    qs = Ward.objects.filter(groups__isnull=False)
    if council is not None:
        qs = qs.filter(council=council)
    return qs.select_related("council").distinct().order_by("council__name", "name")


def group_for(slug: str) -> Group | None:
    """The group with `slug`, with its council and wards (None when there is none)."""
    return (
        Group.objects.filter(slug=slug)
        .select_related("council")
        .prefetch_related(Prefetch("wards", queryset=Ward.objects.order_by("name")))
        .first()
    )


@dataclass
class People:
    organisers: list[GroupMembership]
    members: list[GroupMembership]  # active, not organisers
    invitations: list[GroupMembership]  # waiting for the invitee's answer

    @property
    def member_count(self) -> int:
        return len(self.organisers) + len(self.members)


def group_detail(user: Viewer, slug: str) -> tuple[Group, People] | None:
    """The group page: the group, its people, and the viewer's own membership cached for rules."""
    group = group_for(slug)
    if group is None:
        return None
    rows = list(
        GroupMembership.objects.filter(
            group=group,
            status__in=[ACTIVE, GroupMembershipStatus.INVITED],
            user__is_active=True,  # deleted accounts are neither shown nor counted
        )
        .select_related("user", "invited_by")
        .order_by("created_at", "pk")
    )
    people = People(
        organisers=[m for m in rows if m.status == ACTIVE and m.role == GroupRole.ORGANISER],
        members=[m for m in rows if m.status == ACTIVE and m.role == GroupRole.MEMBER],
        invitations=[m for m in rows if m.status == GroupMembershipStatus.INVITED],
    )
    # The rules read the viewer's row from the request's cache instead of asking again.
    if isinstance(user, User):
        own = next((m for m in rows if m.user_id == user.pk), None)
        if own is None:
            own = GroupMembership.objects.filter(group=group, user=user).first()
        remember(("groups.membership", group.pk, user.pk), own)
    return group, people


def own_membership(user: Viewer, group: Group) -> GroupMembership | None:
    """The viewer's own row in `group` (any status), from the rules' cache when it is there."""
    return membership_of(user, group)


def pending_invitations(user: Viewer) -> QuerySet[GroupMembership]:
    """Invitations waiting for `user`'s answer, newest first."""
    if not isinstance(user, User):  # nobody signed in
        return GroupMembership.objects.none()
    return (
        GroupMembership.objects.filter(user=user, status=GroupMembershipStatus.INVITED)
        .select_related("group", "invited_by")
        .order_by("-created_at", "-pk")
    )
