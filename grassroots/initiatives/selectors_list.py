"""Reads behind the public ways of finding initiatives: the list, map, feeds, export and API.

Every function starts from `visible_initiatives()` (or, for documents anybody may fetch, from
`public_initiatives()`), so a safeguarded initiative never reaches an outsider through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeWard,
    Need,
    NeedStatus,
    StageChange,
    Visibility,
)
from grassroots.initiatives.search import search_initiatives
from grassroots.initiatives.visibility import visible_initiatives
from grassroots.places.models import Ward


@dataclass(frozen=True)
class ListFilters:
    """What a reader asked for on the list page (or the API): already validated."""

    text: str = ""
    ward: Ward | None = None
    themes: Sequence[str] = field(default_factory=tuple)
    stages: Sequence[str] = field(default_factory=tuple)
    need_kinds: Sequence[str] = field(default_factory=tuple)

    @property
    def active(self) -> bool:
        return bool(self.text or self.ward or self.themes or self.stages or self.need_kinds)


def _count_of(model: Any, **conditions: Any) -> Coalesce:
    """A correlated COUNT per initiative (cheaper than joining two to-many tables at once)."""
    rows = (
        model.objects.filter(initiative=OuterRef("pk"), **conditions)
        .order_by()
        .values("initiative")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_list_shape(
    queryset: QuerySet[Initiative], *, geometry: bool = False
) -> QuerySet[Initiative]:
    """Annotate backers and open needs, prefetch wards with their councils: 2 queries a page.

    Ward boundaries can be large, so they are only loaded when asked for (the map).
    """
    wards = Ward.objects.select_related("council").order_by("name")
    if not geometry:
        wards = wards.defer("geometry")
    return queryset.annotate(
        backers_count=_count_of(Backing),
        open_needs_count=_count_of(Need, status=NeedStatus.OPEN),
    ).prefetch_related(Prefetch("wards", queryset=wards))


def apply_filters(queryset: QuerySet[Initiative], filters: ListFilters) -> QuerySet[Initiative]:
    if filters.ward is not None:
        queryset = queryset.filter(
            Exists(InitiativeWard.objects.filter(initiative=OuterRef("pk"), ward=filters.ward))
        )
    if filters.themes:
        queryset = queryset.filter(theme__in=filters.themes)
    if filters.stages:
        queryset = queryset.filter(stage__in=filters.stages)
    if filters.need_kinds:
        queryset = queryset.filter(
            Exists(
                Need.objects.filter(
                    initiative=OuterRef("pk"), status=NeedStatus.OPEN, kind__in=filters.need_kinds
                )
            )
        )
    if filters.text:
        queryset = search_initiatives(queryset, filters.text)
    else:
        queryset = queryset.order_by("-created_at", "-pk")
    return queryset


def initiative_list(
    user: Any, filters: ListFilters | None = None, *, geometry: bool = False
) -> QuerySet[Initiative]:
    """The initiatives `user` may see, filtered and shaped for a list of rows."""
    queryset = apply_filters(visible_initiatives(user), filters or ListFilters())
    return with_list_shape(queryset, geometry=geometry)


def public_initiatives() -> QuerySet[Initiative]:
    """Public initiatives only: for documents anyone may fetch or cache (feeds, sitemap).

    These never depend on who asks, so even a member's own safeguarded initiative is left out.
    """
    return visible_initiatives(None).filter(visibility=Visibility.PUBLIC)


def mappable(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return queryset.filter(latitude__isnull=False, longitude__isnull=False)


def wards_with_initiatives() -> QuerySet[Ward]:
    """Wards that have at least one public initiative: the choices of the ward filter.

    Only public initiatives count, so the list of choices never hints at a safeguarded one.
    """
    return (
        Ward.objects.current()
        .filter(
            Exists(
                InitiativeWard.objects.filter(
                    ward=OuterRef("pk"), initiative__visibility=Visibility.PUBLIC
                )
            )
        )
        .select_related("council")
        .only("pk", "name", "council__name")
        .order_by("council__name", "name")
    )


def ward_public_activity(ward: Ward, *, limit: int = 50) -> list[dict[str, Any]]:
    """New public initiatives and stage changes in a ward, newest first (for its feed)."""
    initiatives = list(
        public_initiatives()
        .filter(Exists(InitiativeWard.objects.filter(initiative=OuterRef("pk"), ward=ward)))
        .order_by("-created_at", "-pk")[:limit]
    )
    changes = list(
        StageChange.objects.filter(
            initiative__visibility=Visibility.PUBLIC,
            initiative__in=InitiativeWard.objects.filter(ward=ward).values("initiative_id"),
        )
        .exclude(from_stage="")
        .select_related("initiative")
        .order_by("-changed_at", "-pk")[:limit]
    )
    items: list[dict[str, Any]] = [
        {"kind": "new", "initiative": i, "when": i.created_at, "change": None} for i in initiatives
    ]
    items += [
        {"kind": "stage", "initiative": c.initiative, "when": c.changed_at, "change": c}
        for c in changes
    ]
    items.sort(key=lambda item: item["when"], reverse=True)
    return items[:limit]
