"""The spending report: by plan priority and by plan year against the current plan, every
figure a sum of ledger entries, totals equal to `ledger.fund_balances`, queries bounded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.funding import ledger
from grassroots.funding.models import PlanAllocation, PlanLine, PlanRevision, Transaction
from grassroots.funding.reports import (
    UNLINKED,
    Cell,
    FundReport,
    fund_report,
    year_starts,
)
from grassroots.funding.tests.factories import make_area, make_grant
from grassroots.funding.tests.giving_world import GivingWorld, build_world, grant_to, on
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

world_snapshot, world = shared_world(build_world, name="world")

ALLOCATION = 5_000_00  # make_area: £100,000 over ten years and two priorities


def _figures(cell: Cell) -> tuple[int, int, int, int]:
    return (cell.planned_pence, cell.committed_pence, cell.spent_pence, cell.left_pence)


def _row(report: FundReport, ref: str) -> Any:
    return next(row for row in report.rows if row.ref == ref)


def test_figures_by_priority_and_year(world: GivingWorld) -> None:
    report = fund_report(world.area.fund)
    assert [row.ref for row in report.rows] == ["green-spaces", "young-people", UNLINKED]
    green, young, unlinked = report.rows
    # Pocket park: £4,000 committed in year 1, £1,500 paid in year 2. The refuge grant: £1,000
    # committed and £300 paid in year 1.
    assert _figures(green.by_year[1]) == (ALLOCATION, 4_700_00, 300_00, 0)
    assert _figures(green.by_year[2]) == (ALLOCATION, -1_500_00, 1_500_00, ALLOCATION)
    # Youth club £2,000 and the festival £3,000 committed in year 1, £2,000 of it paid; in
    # year 2 £500 came back and the unpaid £1,000 was released.
    assert _figures(young.by_year[1]) == (ALLOCATION, 3_000_00, 2_000_00, 0)
    assert _figures(young.by_year[2]) == (ALLOCATION, -1_000_00, -500_00, 6_500_00)
    assert unlinked.title == "Not linked to a priority"
    assert _figures(unlinked.by_year[2]) == (0, 700_00, 0, -700_00)
    assert report.years == list(range(1, 11))
    assert _figures(green.total) == (10 * ALLOCATION, 3_200_00, 1_800_00, 45_000_00)


def test_totals_equal_the_ledger(world: GivingWorld) -> None:
    report = fund_report(world.area.fund)
    balances = ledger.fund_balances(world.area.fund)
    assert report.balances == balances
    assert report.total.committed_pence == balances.committed_pence == 5_900_00
    assert report.total.spent_pence == balances.spent_pence == 3_300_00
    by_year = [cell for _, cell in report.year_totals]
    assert sum(c.committed_pence for c in by_year) == balances.committed_pence
    assert sum(c.spent_pence for c in by_year) == balances.spent_pence
    assert report.total.planned_pence == 100_000_00
    # What is neither committed nor spent is what the ledger has available.
    assert balances.total_pence - report.total.committed_pence - report.total.spent_pence == (
        balances.available_pence
    )


def test_totals_follow_commits_payments_returns_releases_and_corrections(
    world: GivingWorld,
) -> None:
    area = world.area
    with on("2026-06-01"):
        payment = ledger.pay(world.youth, 1_200_00, actor=area.treasurer)
        ledger.vary(world.park, -500_00, actor=area.treasurer)
        ledger.take_back(world.refuge, 100_00, actor=area.treasurer)
        ledger.release(world.refuge, actor=area.treasurer)
        ledger.reverse(payment, actor=area.treasurer, memo="Paid the wrong account")
        ledger.pay(world.youth, 1_100_00, actor=area.treasurer)
        extra = make_grant(area, 2_500_00, title="Allotments")
    report = fund_report(area.fund)
    balances = ledger.fund_balances(area.fund)
    assert report.total.committed_pence == balances.committed_pence
    assert report.total.spent_pence == balances.spent_pence
    # Everything in 2026-06 is year 3 (from 1 April 2026).
    young = _row(report, "young-people")
    assert young.by_year[3].committed_pence == -1_100_00
    assert young.by_year[3].spent_pence == 1_100_00
    green = _row(report, "green-spaces")
    assert green.by_year[3].committed_pence == -500_00 - 700_00 + 2_500_00  # varied, released, new
    assert green.by_year[3].spent_pence == -100_00
    per_grant = ledger.balances_by_grant([extra.pk])[extra.pk]
    assert per_grant.committed_pence == 2_500_00


def test_a_priority_is_followed_across_plan_revisions(world: GivingWorld) -> None:
    """A new revision renames one priority and drops the other: grants made under the first
    revision still count under the same `ref`; a dropped priority keeps its old name and has
    nothing planned."""
    area = world.area
    revision = PlanRevision.objects.create(fund=area.fund, number=2, summary="Rethought")
    green = PlanLine.objects.create(revision=revision, ref="green-spaces", title="Parks")
    older = PlanLine.objects.create(
        revision=revision, ref="older-people", title="Older people", position=1
    )
    PlanAllocation.objects.create(line=green, year=1, amount_pence=8_000_00)
    PlanAllocation.objects.create(line=older, year=2, amount_pence=1_000_00)
    report = fund_report(area.fund)
    assert report.plan == revision
    assert [(row.ref, row.title, row.in_plan) for row in report.rows] == [
        ("green-spaces", "Parks", True),
        ("older-people", "Older people", True),
        ("young-people", "Things for young people", False),
        (UNLINKED, "Not linked to a priority", False),
    ]
    parks = _row(report, "green-spaces")
    assert _figures(parks.by_year[1]) == (8_000_00, 4_700_00, 300_00, 3_000_00)
    assert parks.by_year.get(3) is None
    young = _row(report, "young-people")
    assert young.total.planned_pence == 0
    assert young.total.committed_pence == 2_000_00
    assert report.total.planned_pence == 9_000_00
    assert report.total.committed_pence == ledger.fund_balances(area.fund).committed_pence


def test_the_plan_years_match_fund_year_of() -> None:
    """The SQL that buckets transactions by year agrees with `Fund.year_of` on each side of
    every boundary, including a fund that starts on 29 February and money moved before the
    fund started."""
    area = make_area(total_pence=1_000_000_00)
    fund = area.fund
    fund.starts_on = datetime.date(2024, 2, 29)
    fund.save()
    days = [
        "2024-02-28",
        "2024-02-29",
        "2025-02-28",
        "2025-03-01",
        "2026-02-28",
        "2026-03-01",
        "2028-02-28",
        "2028-02-29",
        "2040-01-01",
    ]
    for day in days:
        grant_to(area, 1_00, title=f"Grant of {day}", day=day)
    report = fund_report(fund)
    expected: dict[int, int] = {}
    for record in Transaction.objects.filter(fund=fund, kind="commit"):
        year = fund.year_of(timezone.localdate(record.created_at))
        expected[year] = expected.get(year, 0) + 1_00
    found = {
        year: cell.committed_pence for year, cell in report.year_totals if cell.committed_pence
    }
    assert found == expected
    assert 16 in found  # long after the plan's ten years
    assert found[0] == 1_00  # before the fund started
    assert year_starts(fund, 2)[1].date() == datetime.date(2025, 3, 1)


def test_the_report_page(client: Client, world: GivingWorld) -> None:
    response = client.get(f"/funds/{world.area.fund.slug}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spending report" in html
    for text in (
        'data-report="priority"',
        'data-report="year"',
        "Things for young people",
        "Not linked to a priority",
        "£5,900",  # the ledger's committed
        "£3,300",  # and spent
    ):
        assert text in html
    assert "Year 1 (Apr 2024 to Mar 2025)" in html
    assert client.get("/funds/no-such-fund/report/").status_code == 404


def test_the_report_costs_the_same_queries_for_more_grants(
    client: Client, world: GivingWorld, django_assert_max_num_queries: Any
) -> None:
    url = f"/funds/{world.area.fund.slug}/report/"
    with django_assert_max_num_queries(12) as before:
        client.get(url)
    for n in range(12):
        grant = make_grant(world.area, 10_00, title=f"Small grant {n}")
        ledger.pay(grant, 5_00, actor=None)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
