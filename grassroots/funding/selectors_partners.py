"""Reads for funds, plans and partnerships, each shaped in a fixed number of queries whatever
the number of members, lines, years or revisions (the tests hold the pages to it).

- `fund_list`, `fund_for`: funds with their council, partnership and wards.
- `plan_table`: a revision as priorities by years with totals both ways.
- `revision_list`, `compare`: the plan's history, and any two revisions side by side (lines
  matched by `ref`).
- `partnership_for`, `partnership_people`: a partnership, its current and past members and its
  standing under `constitution.standing`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from grassroots.accounts.types import Viewer
from grassroots.funding.constitution import Standing, standing
from grassroots.funding.models import Fund, Membership, Partnership, PlanLine, PlanRevision
from grassroots.funding.visibility import visible_funds, visible_partnerships
from grassroots.places.models import Ward

# --- Funds -----------------------------------------------------------------------------------


def _shaped(queryset: QuerySet[Fund]) -> QuerySet[Fund]:
    wards = Ward.objects.select_related("council").order_by("name")
    return queryset.select_related("council", "partnership__group").prefetch_related(
        Prefetch("wards", queryset=wards)
    )


def fund_list(viewer: Viewer) -> list[Fund]:
    return list(_shaped(visible_funds(viewer)).order_by("name", "pk"))


def fund_for(viewer: Viewer, slug: str) -> Fund | None:
    return _shaped(visible_funds(viewer)).filter(slug=slug).first()


def funds_of_partnership(partnership: Partnership) -> list[Fund]:
    return list(Fund.objects.filter(partnership=partnership).select_related("council"))


# --- Plans -----------------------------------------------------------------------------------


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Year:
    number: int
    starts_on: datetime.date

    @property
    def label(self) -> str:
        if (self.starts_on.month, self.starts_on.day) == (1, 1):
            return _("Year %(n)d (%(year)d)") % {"n": self.number, "year": self.starts_on.year}
        return _("Year %(n)d (%(first)d to %(second)d)") % {
            "n": self.number,
            "first": self.starts_on.year,
            "second": self.starts_on.year + 1,
        }


def fund_years(fund: Fund) -> list[Year]:
    return [
        Year(number=n, starts_on=_add_years(fund.starts_on, n - 1))
        for n in range(1, fund.horizon_years + 1)
    ]


@dataclass
class PlanRow:
    line: PlanLine
    cells: list[int]
    total: int


@dataclass
class PlanTable:
    revision: PlanRevision | None
    years: list[Year]
    rows: list[PlanRow]
    year_totals: list[int]
    total: int


def _lines(revision: PlanRevision) -> list[PlanLine]:
    return list(
        PlanLine.objects.filter(revision=revision)
        .select_related("priority")
        .prefetch_related("allocations")
        .order_by("position", "pk")
    )


def _amounts(line: PlanLine) -> dict[int, int]:
    return {a.year: a.amount_pence for a in line.allocations.all()}


def plan_table(fund: Fund, revision: PlanRevision | None) -> PlanTable:
    """The revision as a table (three queries at most); an empty table for no revision."""
    years = fund_years(fund)
    if revision is None:
        return PlanTable(None, years, [], [0] * len(years), 0)
    rows = []
    for line in _lines(revision):
        amounts = _amounts(line)
        cells = [amounts.get(y.number, 0) for y in years]
        rows.append(PlanRow(line=line, cells=cells, total=sum(amounts.values())))
    year_totals = [sum(row.cells[i] for row in rows) for i in range(len(years))]
    return PlanTable(revision, years, rows, year_totals, sum(row.total for row in rows))


def current_revision(fund: Fund) -> PlanRevision | None:
    return (
        PlanRevision.objects.filter(fund=fund)
        .select_related("created_by")
        .order_by("-number")
        .first()
    )


def revision_of(fund: Fund, number: int) -> PlanRevision | None:
    return (
        PlanRevision.objects.filter(fund=fund, number=number).select_related("created_by").first()
    )


def revision_list(fund: Fund) -> list[PlanRevision]:
    """Every revision, newest first, with `line_count` and `total_pence` (one query each)."""
    revisions: list[PlanRevision] = list(
        PlanRevision.objects.filter(fund=fund)
        .select_related("created_by")
        .annotate(line_count=Count("lines", distinct=True))
        .order_by("-number")
    )
    totals = dict(
        PlanLine.objects.filter(revision__fund=fund)
        .values_list("revision_id")
        .annotate(total=Sum("allocations__amount_pence"))
    )
    for revision in revisions:
        revision.total_pence = int(totals.get(revision.pk) or 0)  # type: ignore[attr-defined]
    return revisions


@dataclass
class CompareCell:
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass
class CompareRow:
    ref: str
    before: PlanLine | None
    after: PlanLine | None
    cells: list[CompareCell]
    total: CompareCell

    @property
    def title(self) -> str:
        line = self.after or self.before
        assert line is not None
        return line.title

    @property
    def status(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        if any(c.change for c in self.cells) or self.total.change:
            return "changed"
        if self.before.title != self.after.title:
            return "renamed"
        return "same"


@dataclass
class Comparison:
    before: PlanRevision
    after: PlanRevision
    years: list[Year]
    rows: list[CompareRow]
    year_totals: list[CompareCell]
    total: CompareCell
    counts: dict[str, int] = field(default_factory=dict)


def compare(fund: Fund, before: PlanRevision, after: PlanRevision) -> Comparison:
    """Two revisions side by side, lines matched by `ref` (three queries)."""
    lines = list(
        PlanLine.objects.filter(revision__in=[before.pk, after.pk])
        .prefetch_related("allocations")
        .order_by("position", "pk")
    )
    by_revision: dict[int, dict[str, PlanLine]] = defaultdict(dict)
    for line in lines:
        by_revision[line.revision_id][line.ref] = line
    old, new = by_revision[before.pk], by_revision[after.pk]
    # The later revision's order, then what it removed in the earlier one's order.
    refs = list(new) + [ref for ref in old if ref not in new]
    found_years = {a.year for line in lines for a in line.allocations.all()}
    last = max([fund.horizon_years, *found_years])
    years = [
        Year(number=n, starts_on=_add_years(fund.starts_on, n - 1)) for n in range(1, last + 1)
    ]
    rows = []
    for ref in refs:
        a, b = old.get(ref), new.get(ref)
        amounts_a = _amounts(a) if a else {}
        amounts_b = _amounts(b) if b else {}
        cells = [CompareCell(amounts_a.get(y.number, 0), amounts_b.get(y.number, 0)) for y in years]
        total = CompareCell(sum(amounts_a.values()), sum(amounts_b.values()))
        rows.append(CompareRow(ref=ref, before=a, after=b, cells=cells, total=total))
    year_totals = [
        CompareCell(sum(r.cells[i].before for r in rows), sum(r.cells[i].after for r in rows))
        for i in range(len(years))
    ]
    total = CompareCell(sum(r.total.before for r in rows), sum(r.total.after for r in rows))
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return Comparison(before, after, years, rows, year_totals, total, dict(counts))


# --- Partnerships ----------------------------------------------------------------------------


def partnership_for(viewer: Viewer, slug: str) -> Partnership | None:
    return visible_partnerships(viewer).select_related("group__council").filter(slug=slug).first()


@dataclass
class People:
    current: list[Membership]
    past: list[Membership]
    standing: Standing

    @property
    def chair(self) -> Membership | None:
        return next((m for m in self.current if m.role == "chair"), None)

    @property
    def treasurer(self) -> Membership | None:
        return next((m for m in self.current if m.role == "treasurer"), None)


_ROLE_ORDER = {"chair": 0, "treasurer": 1, "member": 2}


def partnership_people(partnership: Partnership) -> People:
    """Current members (chair, treasurer, then by joining), past members, and the standing
    (one query)."""
    seats = list(
        Membership.objects.filter(partnership=partnership)
        .select_related("user")
        .order_by("joined_on", "pk")
    )
    for seat in seats:
        seat.partnership = partnership
    current = sorted(
        (m for m in seats if m.left_on is None), key=lambda m: _ROLE_ORDER.get(m.role, 3)
    )
    past = sorted((m for m in seats if m.left_on is not None), key=lambda m: m.left_on or 0)
    return People(current=current, past=past, standing=standing(current))


def current_members(partnership: Partnership) -> list[Membership]:
    return list(
        Membership.objects.filter(partnership=partnership, left_on__isnull=True).select_related(
            "user"
        )
    )


def partnership_of_group(group_id: int) -> Partnership | None:
    return Partnership.objects.filter(group_id=group_id).first()
