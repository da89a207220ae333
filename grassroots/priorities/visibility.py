"""Who may see a priority exercise.

An exercise is public once suggestions have opened (its first date has come). Before that it
is a draft: only its organisers see it (the organisers of its group, or the councillor who
opened it for their ward) and site admins. The three forms of `core.visibility` are built from
the same grants.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core import pagecache
from grassroots.core import visibility as core
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.priorities.models import Exercise


def _published_q() -> Q:
    return Q(suggest_opens__lte=timezone.now())


def _organiser_q(user: User) -> Q:
    """Q on exercises: those `user` runs."""
    organises = GroupMembership.objects.filter(
        group=OuterRef("group"),
        user=user,
        role=GroupRole.ORGANISER,
        status=GroupMembershipStatus.ACTIVE,
    )
    return Q(organiser=user) | Q(Exists(organises))


def visible_exercises(
    viewer: Viewer | None, queryset: QuerySet[Exercise] | None = None
) -> QuerySet[Exercise]:
    """The exercises `viewer` may know exist."""
    qs = queryset if queryset is not None else Exercise.objects.all()
    if viewer is not None and isinstance(viewer, User) and viewer.is_active:
        if is_site_admin(viewer):
            return qs
        return qs.filter(_published_q() | _organiser_q(viewer))
    return qs.filter(_published_q())


def restricted_visible_ids(viewer: Viewer | None) -> tuple[int, ...]:
    """The drafts `viewer` may see, in id order (none for signed-out visitors and for almost
    every resident): with the published exercises, exactly `visible_exercises(viewer)`.

    The key under which what is drawn for one person may be shared with another, as
    `initiatives.visibility.restricted_visible_ids`, and kept for the generation the same way.
    It stays right as time passes: a draft only ever becomes published, and an id of one
    that has opened adds nothing to the published ones. It depends on public tables and on
    whether the person is a site admin (their user row), which is in the key."""
    if viewer is None or not isinstance(viewer, User) or not viewer.is_active:
        return ()
    parts = (viewer.pk, is_site_admin(viewer))

    def draw() -> tuple[int, ...]:
        drafts = visible_exercises(viewer, Exercise.objects.exclude(_published_q()))
        return tuple(drafts.order_by("pk").values_list("pk", flat=True))

    return pagecache.shared("priorities.restricted_visible", parts, draw, keep=lambda ids: not ids)


def can_view(viewer: Viewer | None, exercise: Exercise) -> bool:
    if exercise.suggest_opens <= timezone.now():
        return True
    if viewer is None or not isinstance(viewer, User) or not viewer.is_active:
        return False
    if is_site_admin(viewer) or exercise.organiser_id == viewer.pk:
        return True
    return exercise.group_id is not None and (
        GroupMembership.objects.filter(
            group_id=exercise.group_id,
            user=viewer,
            role=GroupRole.ORGANISER,
            status=GroupMembershipStatus.ACTIVE,
        ).exists()
    )


def people_q(exercise: Exercise) -> Q:
    """Q on users: who may see `exercise` (everybody active once it is published)."""
    if exercise.suggest_opens <= timezone.now():
        return Q(is_active=True)
    organisers = GroupMembership.objects.filter(
        group_id=exercise.group_id or 0,
        user=OuterRef("pk"),
        role=GroupRole.ORGANISER,
        status=GroupMembershipStatus.ACTIVE,
    )
    return Q(is_active=True) & (Q(pk=exercise.organiser_id) | Q(Exists(organisers)))


def viewers_of(exercises: Iterable[Exercise], user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each exercise, which of `user_ids` may see it. Site admins see drafts as well, but
    no notification needs to reach them about one, so they are not counted here."""
    now = timezone.now()
    return core.viewers_of(
        exercises,
        user_ids,
        restricted=lambda exercise: exercise.suggest_opens > now,
        people=people_q,
    )


def viewers(exercise: Exercise, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([exercise], user_ids)[exercise.pk]
