"""Reads behind the public ways of finding initiatives: the list, map, feeds, export and API.

Every function starts from `visible_initiatives()` (or, for documents anybody may fetch, from
`public_initiatives()`), so a safeguarded initiative never reaches an outsider through them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from grassroots.accounts.types import Viewer
from grassroots.core import pagecache
from grassroots.initiatives import search
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeWard,
    Need,
    NeedStatus,
)
from grassroots.initiatives.visibility import restricted_visible_ids, visible_initiatives
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

    @property
    def applied_count(self) -> int:
        """How many filters are on: the words, the ward, and each theme, stage and need."""
        return (
            bool(self.text)
            + (self.ward is not None)
            + len(self.themes)
            + len(self.stages)
            + len(self.need_kinds)
        )


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


def _filter(queryset: QuerySet[Initiative], filters: ListFilters) -> QuerySet[Initiative]:
    """What `filters` ask for, in no particular order."""
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
    return search.matching(queryset, filters.text)


def apply_filters(queryset: QuerySet[Initiative], filters: ListFilters) -> QuerySet[Initiative]:
    """What `filters` ask for, newest first, or best first for a search (see search.py)."""
    if filters.text:
        return search.search_initiatives(_filter(queryset, filters), filters.text)
    return _filter(queryset, filters).order_by(*search.NEWEST_FIRST)


def initiative_list(
    user: Viewer, filters: ListFilters | None = None, *, geometry: bool = False
) -> QuerySet[Initiative]:
    """The initiatives `user` may see, filtered and shaped for a list of rows."""
    queryset = apply_filters(visible_initiatives(user), filters or ListFilters())
    return with_list_shape(queryset, geometry=geometry)


def public_initiatives() -> QuerySet[Initiative]:
    """Public initiatives only: for documents anyone may fetch or cache (feeds, sitemap).

    These never depend on who asks, so even a member's own safeguarded initiative is left out.
    """
    return visible_initiatives(None)


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
                    ward=OuterRef("pk"), initiative__in=public_initiatives().values("pk")
                )
            )
        )
        .select_related("council")
        .only("pk", "name", "council__name")
        .order_by("council__name", "name")
    )


# --- One page of the list, without counting every initiative in the country -------------------

# Count matches up to this many; past it the list says "more than 1,000" and pages on without a
# total (counting 200,000 initiatives on every page view is what made the list slow; counting to
# 10,000 still took 0.1-0.3 s with a filter on needs or common words). At least
# search.RANK_LIMIT, as the same count tells whether a search's matches are few enough to rank.
COUNT_LIMIT = 1_000


if TYPE_CHECKING:
    _Paginator = Paginator[Initiative]
else:
    _Paginator = Paginator  # not subscriptable at run time


class ListPaginator(_Paginator):
    """A Paginator whose count stops at `limit` + 1, for ListPage.

    With a capped count the number of pages is unknown: the page range runs to a page or two
    past the current one and ends with an ellipsis, and "Next" is there while there is a next
    page (looked ahead for with one extra row).
    """

    def __init__(self, count: int, per_page: int, *, limit: int) -> None:
        super().__init__((), per_page)
        self.limit = limit
        self.__dict__["count"] = count  # the cached_property's slot: already known
        self.current = 1
        self.more_after_current = False

    @property
    def capped(self) -> bool:
        """True when there are more than `limit` initiatives (count is then limit + 1)."""
        return self.count > self.limit

    @property
    def num_pages(self) -> int:
        if not self.capped:
            return max(1, ceil(self.count / self.per_page))
        # At least this many; the reader can always go one further while there is more.
        return max(ceil(self.count / self.per_page), self.current + self.more_after_current)

    def validate_number(self, number: Any) -> int:
        if self.capped:
            try:
                value = int(number)
            except (TypeError, ValueError):
                value = 0
            if value >= 1:
                return value  # any page may exist: ListPage checks for rows
        return super().validate_number(number)

    def get_elided_page_range(  # type: ignore[override]
        self, number: int | None = None, *, on_each_side: int = 2, on_ends: int = 1
    ) -> Iterator[Any]:
        """Pages around the current one (templates can't pass it, so it is remembered)."""
        number = self.current if number is None else number
        if not self.capped:
            yield from super().get_elided_page_range(
                number, on_each_side=on_each_side, on_ends=on_ends
            )
            return
        if number > on_each_side + on_ends + 2:
            yield from range(1, on_ends + 1)
            yield self.ELLIPSIS
            yield from range(number - on_each_side, number + 1)
        else:
            yield from range(1, number + 1)
        last = min(number + on_each_side, self.num_pages)
        yield from range(number + 1, last + 1)
        yield self.ELLIPSIS  # the total is not known: more pages may follow


class ListPage(Sequence[Initiative]):
    """A page of the list, shaped like Django's Page for the templates (pagination.html)."""

    def __init__(
        self, rows: list[Initiative], number: int, paginator: ListPaginator, *, ranked: bool
    ) -> None:
        self.object_list = rows
        self.number = number
        self.paginator = paginator
        self.ranked = ranked  # a search listed best match first (else newest first)
        self.rank_limit = search.RANK_LIMIT
        # Newest first because a search matched too many to rank (PostgreSQL only).
        self.too_many_to_rank = False
        # How the page was kept for everybody who sees the same initiatives
        # (`initiative_page()`; `pagecache.kept_as`), so its rows' HTML may be kept beside it;
        # None when nothing drawn from it may be kept (the page cache is off, or the person
        # asking sees restricted initiatives).
        self.kept_as: tuple[pagecache.Part, ...] | None = None

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


# Far past any real list, and keeps OFFSET inside a bigint whatever is typed in the address.
MAX_PAGE = 10_000_000


def _page_number(value: Any) -> int:
    try:
        return min(max(1, int(value)), MAX_PAGE)
    except (TypeError, ValueError, OverflowError):
        return 1


def _filters_key(filters: ListFilters) -> tuple[pagecache.Part, ...]:
    """Everything in `filters` that chooses initiatives, as a shared value's key (each choice
    list as a set: the order they were ticked in chooses nothing)."""
    return (
        filters.text,
        filters.ward.pk if filters.ward is not None else None,
        tuple(sorted(filters.themes)),
        tuple(sorted(filters.stages)),
        tuple(sorted(filters.need_kinds)),
    )


@dataclass(frozen=True)
class _Found:
    """One page of the list as everybody who sees the same initiatives gets it: small enough
    to keep in the shared cache (`rows` only for pages without ward boundaries)."""

    ids: tuple[int, ...]
    number: int
    count: int
    limit: int
    more_after_current: bool
    ranked: bool
    too_many_to_rank: bool
    rows: tuple[Initiative, ...] | None


def initiative_page(
    user: Viewer,
    filters: ListFilters | None = None,
    number: Any = 1,
    *,
    per_page: int = 20,
    count_limit: int | None = None,
    geometry: bool = False,
) -> ListPage:
    """Page `number` of the initiatives `user` may see, filtered: 4 queries whatever the size
    (see `_find`), or none while the page is kept in the shared cache.

    Two people who see the same initiatives (`restricted_visible_ids()`: everybody signed out
    and most residents) get the same page, so it is kept under that answer and the filters for
    the page generation (`core.pagecache.shared`): the first to ask draws it, and any change to
    an initiative, a backing, a need or a ward draws it again. Nothing in it is about the
    person asking. The map's rows, with their wards' boundaries, are too big to keep: for it
    only the ids and counts are kept and the rows fetched each time (2 queries).
    """
    filters = filters or ListFilters()
    count_limit = COUNT_LIMIT if count_limit is None else count_limit
    page_number = _page_number(number)
    asked: list[tuple[pagecache.Part, ...]] = []

    def parts() -> tuple[pagecache.Part, ...]:
        key = (
            _filters_key(filters),
            page_number,
            per_page,
            count_limit,
            geometry,
            restricted_visible_ids(user),
        )
        asked.append(key)
        return key

    found = pagecache.shared(
        "initiatives.page",
        parts,
        lambda: _find(user, filters, page_number, per_page, count_limit, keep_rows=not geometry),
        keep=lambda _: not restricted_visible_ids(user),
    )
    paginator = ListPaginator(found.count, per_page, limit=found.limit)
    paginator.current = found.number
    paginator.more_after_current = found.more_after_current
    rows = list(found.rows) if found.rows is not None else _rows(user, found.ids, geometry)
    page = ListPage(rows, found.number, paginator, ranked=found.ranked)
    page.too_many_to_rank = found.too_many_to_rank
    page.kept_as = pagecache.kept_as("initiatives.page", asked[0]) if asked else None
    return page


def _rows(user: Viewer, ids: Sequence[int], geometry: bool) -> list[Initiative]:
    """The rows of `ids`, in that order, with their backers, open needs and wards (2 queries).
    Visibility again on the page's own rows: cheap, and the rule holds even if this changes."""
    by_id = {
        row.pk: row
        for row in with_list_shape(
            visible_initiatives(user, Initiative.objects.filter(pk__in=ids)), geometry=geometry
        )
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def _find(
    user: Viewer,
    filters: ListFilters,
    number: int,
    per_page: int,
    count_limit: int,
    *,
    keep_rows: bool,
) -> _Found:
    """Page `number` (already a number) of the initiatives `user` may see, filtered:

    1. the count, up to count_limit + 1 (which also tells whether a search can be ranked);
    2. the ids of the page and one more (is there a next page?), with the page's offset, so
       even a deep page walks an index of ids rather than whole rows with their counts;
    3. with `keep_rows`, those rows with their backers and open needs; 4. their wards.
    A bad page number gives page 1 and one past the end the last page, as Paginator.get_page.
    """
    matches = _filter(visible_initiatives(user), filters)
    count = search.count_up_to(matches, count_limit)
    ranked = search.can_rank(filters.text, count)
    paginator = ListPaginator(count, per_page, limit=count_limit)
    if not paginator.capped:
        number = min(number, paginator.num_pages)

    def ids_from(page: int) -> list[int]:
        start = (page - 1) * per_page
        walk = bool(
            filters.text
            and paginator.capped
            and not ranked
            and search.can_rank(filters.text, 0)  # PostgreSQL, words to look for
            and search.walks_newest_first(matches, start)
        )
        ordered = search.in_order(matches, filters.text, ranked=ranked, walk=walk)
        return list(ordered.values_list("pk", flat=True)[start : start + per_page + 1])

    ids = ids_from(number)
    if not ids and number > 1:
        # Past the end of a capped list (a typed-in page number): the real last page. Counting
        # everything is the price of that one rare request, not of every page view.
        total = matches.order_by().count()
        paginator = ListPaginator(total, per_page, limit=max(count_limit, total))
        number = paginator.num_pages
        ids = ids_from(number)
    page_ids = tuple(ids[:per_page])
    return _Found(
        ids=page_ids,
        number=number,
        count=paginator.count,
        limit=paginator.limit,
        more_after_current=len(ids) > per_page,
        ranked=ranked,
        too_many_to_rank=search.can_rank(filters.text, 0) and not ranked,
        rows=tuple(_rows(user, page_ids, geometry=False)) if keep_rows else None,
    )
