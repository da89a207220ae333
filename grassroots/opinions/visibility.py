"""Who may see an opinion map.

A map is public: everybody, signed in or not, may read it. A map a moderator has hidden is
seen only by its host side (for a ward map, the ward's current councillors and the officers of
its council; for a group map, the group's active organisers), site admins and the moderators;
everybody else gets the 404 of a map that does not exist. The three forms of `core.visibility`
read the same conditions: `can_view()`, `visible_maps()`, `viewers()` / `viewers_of()`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.rules import is_moderator
from grassroots.accounts.selectors import moderator_q
from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.core.request_cache import cached
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.opinions.models import OpinionMap
from grassroots.places.models import CouncillorTerm


def _signed_in(viewer: Viewer | None) -> bool:
    return isinstance(viewer, User) and viewer.is_active


def _organisers() -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(
        role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
    )


def hosted_by_q(user: User) -> Q:
    """Q on maps: those whose host side `user` is on (site admins aside)."""
    ward_ids = CouncillorTerm.objects.current().filter(councillor__user=user).values("ward_id")
    council_ids = OfficerPost.objects.current().filter(user=user).values("department__council_id")
    organises = _organisers().filter(group=OuterRef("group"), user=user)
    return Q(ward__in=ward_ids) | Q(ward__council__in=council_ids) | Q(Exists(organises))


def host_people_q(opinion_map: OpinionMap) -> Q:
    """Q on users: the host side of `opinion_map` (site admins included)."""
    person = OuterRef("pk")
    site_admin = Q(is_staff=True) | Q(is_superuser=True)
    if opinion_map.ward_id is not None:
        assert opinion_map.ward is not None
        councillors = CouncillorTerm.objects.current().filter(
            councillor__user=person, ward_id=opinion_map.ward_id
        )
        officers = OfficerPost.objects.current().filter(
            user=person, department__council_id=opinion_map.ward.council_id
        )
        return site_admin | Q(Exists(councillors)) | Q(Exists(officers))
    organisers = _organisers().filter(group_id=opinion_map.group_id or 0, user=person)
    return site_admin | Q(Exists(organisers))


def visible_maps(
    viewer: Viewer | None, queryset: QuerySet[OpinionMap] | None = None
) -> QuerySet[OpinionMap]:
    """The maps `viewer` may know exist (anonymous visitors: those not hidden)."""
    qs = queryset if queryset is not None else OpinionMap.objects.all()
    if not _signed_in(viewer):
        return qs.filter(hidden_at__isnull=True)
    assert isinstance(viewer, User)
    if viewer.is_staff or viewer.is_superuser or is_moderator(viewer):
        return qs
    return qs.filter(Q(hidden_at__isnull=True) | hosted_by_q(viewer))


def can_view(viewer: Viewer | None, opinion_map: OpinionMap) -> bool:
    if opinion_map.hidden_at is None:
        return True
    if not _signed_in(viewer):
        return False
    assert isinstance(viewer, User)
    pk = opinion_map.pk
    return cached(
        ("opinions.can_view", viewer.pk, pk),
        lambda: visible_maps(viewer, OpinionMap.objects.filter(pk=pk)).exists(),
    )


def people_q(opinion_map: OpinionMap) -> Q:
    """Q on users: who may see `opinion_map`."""
    seen = Q(is_active=True)
    if opinion_map.hidden_at is not None:
        seen &= host_people_q(opinion_map) | moderator_q()
    return seen


def viewers_of(maps: Iterable[OpinionMap], user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each map, which of `user_ids` may see it: one query for the hidden ones, one for
    the rest."""
    return core.viewers_of(
        maps, user_ids, restricted=lambda m: m.hidden_at is not None, people=people_q
    )


def viewers(opinion_map: OpinionMap, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([opinion_map], user_ids)[opinion_map.pk]
