"""Reads for the public side of a fund: the spending report, a grant's page and a fund's grants.

Every figure of money comes from the ledger (sums of `Entry` rows), never from a stored total,
so the report's totals are the same sums `ledger.fund_balances` makes.

- `fund_report(fund)`: spend and commitments by plan priority and by plan year against the
  current plan. A grant counts under the priority of its plan line's `ref`, so a grant made
  under an older revision still counts under the same priority in the current plan; a grant
  with no line counts under "Not linked to a priority". A year's figures are what moved in
  that year (`Fund.year_of` of the transaction's date): a payment of money committed in an
  earlier year is spent this year and lowers this year's commitments by as much, so for every
  year `left = planned - committed - spent` is what that year's allocation still has.
- `grant_detail(viewer, pk)` and `grants_page(viewer, fund, page)`: a grant's record and a
  fund's grants, with the recipient withheld (`withheld_ids`) from whoever may not see it.

A grant to a safeguarded (or hidden) initiative must not reveal the initiative: to anyone
`initiatives.visibility` does not let see it, the grant shows no recipient name, no link, no
title of its own and no reasons or interests that could name it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.accounts.types import Viewer
from grassroots.funding import ledger
from grassroots.funding.models import (
    Account,
    Declaration,
    Entry,
    Fund,
    Grant,
    Motion,
    MotionOutcome,
    PlanAllocation,
    PlanLine,
    PlanRevision,
    Transaction,
    VoteChoice,
)
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Initiative

GRANTS_PER_PAGE = 25

# The key of the row for grants with no plan line.
UNLINKED = ""


# --- Who the recipient is, for whom ------------------------------------------------------------


def withheld_ids(viewer: Viewer | None, grants: Iterable[Grant]) -> set[int]:
    """The ids of the grants among `grants` whose recipient `viewer` may not see: grants to an
    initiative `initiatives.visibility` hides from them. One query at most (none when every
    recipient initiative is public). `viewer=None` is the public (exports)."""
    to_initiatives = [g for g in grants if g.initiative_id is not None]
    restricted = [
        g
        for g in to_initiatives
        if g.initiative is None or not initiative_visibility.is_public(g.initiative)
    ]
    if not restricted:
        return set()
    if viewer is None:
        return {g.pk for g in restricted}
    ids = {g.initiative_id for g in restricted if g.initiative_id is not None}
    seen = set(
        initiative_visibility.visible_initiatives(
            viewer, Initiative.objects.filter(pk__in=ids)
        ).values_list("pk", flat=True)
    )
    return {g.pk for g in restricted if g.initiative_id not in seen}


def withheld_title() -> str:
    return _("A grant to a community project")


def withheld_recipient() -> str:
    return _("A community project (details withheld to keep people safe)")


# --- The report -------------------------------------------------------------------------------


@dataclass
class Cell:
    planned_pence: int = 0
    committed_pence: int = 0  # the change in what is promised and not yet paid
    spent_pence: int = 0  # paid, less money returned

    @property
    def left_pence(self) -> int:
        return self.planned_pence - self.committed_pence - self.spent_pence

    def add(self, other: Cell) -> None:
        self.planned_pence += other.planned_pence
        self.committed_pence += other.committed_pence
        self.spent_pence += other.spent_pence


@dataclass
class ReportRow:
    ref: str  # UNLINKED for grants without a priority
    title: str
    in_plan: bool  # a priority of the current plan
    by_year: dict[int, Cell] = field(default_factory=dict)

    def cell(self, year: int) -> Cell:
        return self.by_year.setdefault(year, Cell())

    @property
    def total(self) -> Cell:
        total = Cell()
        for cell in self.by_year.values():
            total.add(cell)
        return total

    def cells(self, years: Sequence[int]) -> list[tuple[int, Cell]]:
        return [(year, self.by_year.get(year, Cell())) for year in years]


@dataclass
class FundReport:
    fund: Fund
    plan: PlanRevision | None
    years: list[int]
    rows: list[ReportRow]
    balances: ledger.FundBalances

    def year_total(self, year: int) -> Cell:
        total = Cell()
        for row in self.rows:
            total.add(row.by_year.get(year, Cell()))
        return total

    @property
    def year_totals(self) -> list[tuple[int, Cell]]:
        return [(year, self.year_total(year)) for year in self.years]

    @property
    def total(self) -> Cell:
        total = Cell()
        for row in self.rows:
            total.add(row.total)
        return total

    def year_rows(self, year: int) -> list[tuple[ReportRow, Cell]]:
        return [(row, row.by_year.get(year, Cell())) for row in self.rows]

    @property
    def by_year(self) -> list[tuple[int, list[tuple[ReportRow, Cell]], Cell]]:
        """For the year-by-year tables: each year, its rows and its total."""
        return [(year, self.year_rows(year), self.year_total(year)) for year in self.years]


def year_starts(fund: Fund, last_year: int) -> list[datetime.datetime]:
    """Midnight (local time) on the first day of plan years 1 .. last_year + 1."""
    starts = []
    for year in range(1, last_year + 2):
        months = fund.starts_on.month - 1 + 12 * (year - 1)
        day = _same_day(fund.starts_on.year + months // 12, months % 12 + 1, fund.starts_on.day)
        starts.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))
    return starts


def _same_day(year: int, month: int, day: int) -> datetime.date:
    """The day in that month (29 February in a year without one is 1 March, as `year_of`
    counts it: the year starts once the day of the month is reached)."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month + 1, 1) if month < 12 else datetime.date(year + 1, 1, 1)


def _year_expression(fund: Fund, last_year: int) -> Case:
    """SQL for `fund.year_of(transaction date)`: 0 before the fund started (`last_year` is
    the year of the latest transaction or later)."""
    starts = year_starts(fund, last_year)
    whens = [When(transaction__created_at__lt=starts[0], then=Value(0))]
    whens += [
        When(transaction__created_at__lt=starts[year], then=Value(year))
        for year in range(1, last_year + 1)
    ]
    return Case(*whens, default=Value(last_year + 1), output_field=IntegerField())


def current_plan(fund: Fund) -> PlanRevision | None:
    """The latest revision with its lines and their allocations (three queries)."""
    return (
        PlanRevision.objects.filter(fund=fund)
        .order_by("-number")
        .prefetch_related("lines__allocations")
        .first()
    )


def fund_report(fund: Fund) -> FundReport:
    """The report for one fund, in at most seven queries whatever the number of grants and
    transactions (the plan: 3; the latest transaction's date: 1; the ledger by priority,
    account and year: 1; the balances: 1; titles of priorities no longer in the plan: 1, only
    when there are some)."""
    plan = current_plan(fund)
    rows: dict[str, ReportRow] = {}
    planned_years = set()
    if plan is not None:
        for line in plan.lines.all():
            row = rows.setdefault(line.ref, ReportRow(ref=line.ref, title=line.title, in_plan=True))
            allocation: PlanAllocation
            for allocation in line.allocations.all():
                row.cell(allocation.year).planned_pence += allocation.amount_pence
                planned_years.add(allocation.year)
    latest = Transaction.objects.filter(fund=fund).aggregate(latest=Max("created_at"))["latest"]
    last_year = max(
        [fund.horizon_years, *planned_years, 1]
        + ([fund.year_of(timezone.localdate(latest))] if latest is not None else [])
    )
    sums = (
        Entry.objects.filter(
            fund=fund, account__in=[Account.COMMITTED, Account.PAID, Account.RETURNED]
        )
        .annotate(plan_year=_year_expression(fund, last_year))
        .values("grant__plan_line__ref", "account", "plan_year")
        .annotate(total=Sum("amount_pence"))
        .order_by()
    )
    moved_years = set()
    missing: set[str] = set()
    for found in sums:
        ref = found["grant__plan_line__ref"] or UNLINKED
        if ref not in rows:
            rows[ref] = ReportRow(ref=ref, title="", in_plan=False)
            if ref != UNLINKED:
                missing.add(ref)
        cell = rows[ref].cell(found["plan_year"])
        amount = int(found["total"] or 0)
        if found["account"] == Account.COMMITTED:
            cell.committed_pence += amount
        else:
            cell.spent_pence += amount  # PAID is positive, RETURNED negative
        moved_years.add(found["plan_year"])
    if missing:
        # A priority dropped from the plan: named as it was last named.
        for line in PlanLine.objects.filter(revision__fund=fund, ref__in=missing).order_by(
            "revision__number"
        ):
            rows[line.ref].title = line.title
    if UNLINKED in rows:
        rows[UNLINKED].title = _("Not linked to a priority")
    ordered = [row for row in rows.values() if row.in_plan]
    ordered += sorted(
        (row for row in rows.values() if not row.in_plan and row.ref != UNLINKED),
        key=lambda row: row.title.lower(),
    )
    if UNLINKED in rows:
        ordered.append(rows[UNLINKED])
    years = sorted(set(range(1, fund.horizon_years + 1)) | planned_years | moved_years)
    return FundReport(
        fund=fund, plan=plan, years=years, rows=ordered, balances=ledger.fund_balances(fund)
    )


def year_label(fund: Fund, year: int) -> str:
    if year <= 0:
        return _("Before the plan started")
    starts = year_starts(fund, year)
    first, after = starts[year - 1].date(), starts[year].date()
    return _("Year %(year)s (%(first)s to %(last)s)") % {
        "year": year,
        "first": date_format(first, "M Y"),
        "last": date_format(after - datetime.timedelta(days=1), "M Y"),
    }


# --- A grant's page ---------------------------------------------------------------------------


@dataclass
class Decision:
    motion: Motion
    votes_for: int
    votes_against: int
    abstentions: int
    # Members who declared an interest and did not vote: their names (and the interest, unless
    # the recipient is withheld).
    declared: list[Declaration]


@dataclass
class GrantRecord:
    grant: Grant
    withheld: bool
    balances: ledger.GrantBalances
    decision: Decision | None

    @property
    def title(self) -> str:
        return withheld_title() if self.withheld else self.grant.title

    @property
    def net_paid_pence(self) -> int:
        return self.balances.paid_pence - self.balances.returned_pence


def _grants() -> QuerySet[Grant]:
    return Grant.objects.select_related(
        "fund", "plan_line", "initiative", "group", "application", "proposal__round", "asset"
    )


def grant_detail(viewer: Viewer | None, pk: int) -> GrantRecord | None:
    """A grant's public record, or None when there is no such grant. About eight queries."""
    grant = _grants().filter(pk=pk).first()
    if grant is None:
        return None
    withheld = bool(withheld_ids(viewer, [grant]))
    decision = None
    if grant.application_id is not None:
        decision = _decision(grant.application_id)
    return GrantRecord(
        grant=grant,
        withheld=withheld,
        balances=ledger.grant_balances(grant),
        decision=decision,
    )


def _decision(application_id: int) -> Decision | None:
    motion = (
        Motion.objects.filter(application_id=application_id, outcome=MotionOutcome.PASSED)
        .annotate(
            votes_for=Count("votes", filter=Q(votes__choice=VoteChoice.FOR)),
            votes_against=Count("votes", filter=Q(votes__choice=VoteChoice.AGAINST)),
            abstentions=Count("votes", filter=Q(votes__choice=VoteChoice.ABSTAIN)),
        )
        .select_related("meeting")
        .order_by("-closed_at", "-pk")
        .first()
    )
    if motion is None:
        return None
    declared = list(
        Declaration.objects.filter(application_id=application_id)
        .exclude(membership__motion_votes__motion=motion)
        .select_related("membership__user")
        .order_by("declared_at", "pk")
    )
    return Decision(
        motion=motion,
        votes_for=motion.votes_for,
        votes_against=motion.votes_against,
        abstentions=motion.abstentions,
        declared=declared,
    )


# --- A fund's grants --------------------------------------------------------------------------


@dataclass
class GrantLine:
    grant: Grant
    withheld: bool
    balances: ledger.GrantBalances

    @property
    def title(self) -> str:
        return withheld_title() if self.withheld else self.grant.title

    @property
    def net_paid_pence(self) -> int:
        return self.balances.paid_pence - self.balances.returned_pence


def fund_grants(fund: Fund) -> QuerySet[Grant]:
    return _grants().filter(fund=fund).order_by("-awarded_on", "-pk")


def grant_lines(viewer: Viewer | None, grants: Sequence[Grant]) -> list[GrantLine]:
    """Balances (one query) and who may see each recipient (one query at most)."""
    balances = ledger.balances_by_grant([g.pk for g in grants])
    hidden = withheld_ids(viewer, grants)
    empty = ledger.GrantBalances(committed_pence=0, paid_pence=0, returned_pence=0)
    return [
        GrantLine(grant=g, withheld=g.pk in hidden, balances=balances.get(g.pk, empty))
        for g in grants
    ]


def grants_page(
    viewer: Viewer | None, fund: Fund, number: str | None
) -> tuple[Page[Grant], list[GrantLine]]:
    """One page of the fund's grants: four queries at most whatever the page size."""
    page = Paginator(fund_grants(fund), GRANTS_PER_PAGE).get_page(number)
    return page, grant_lines(viewer, list(page.object_list))
