"""The pages of funds, plans and partnerships in Chromium: axe-clean (WCAG 2.2 AA) with and
without JavaScript, and the plan's grid growing a row and saving a revision with no script."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.funding.models import PlanRevision
from grassroots.funding.services.plans import LineInput, plan_revise
from grassroots.funding.tests.factories import make_area
from grassroots.testing.people import make_site_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_the_fund_pages_are_accessible(browser: Any, live_server: Any, javascript: bool) -> None:
    area = make_area(years=4, total_pence=4_000_000)
    fund = area.fund
    plan_revise(
        actor=area.chair,
        fund=fund,
        lines=[
            LineInput(title="Green spaces", ref="green-spaces", allocations={1: 100_000}),
            LineInput(title="Warm spaces", allocations={2: 50_000}),
        ],
        summary="Warm spaces instead of youth work",
        based_on=1,
    )
    base = live_server.url
    visitor = page_as(browser, live_server, None, javascript=javascript)
    for path in (
        "/funds/",
        fund.get_absolute_url(),
        area.partnership.get_absolute_url(),
        f"/funds/{fund.slug}/plan/",
        f"/funds/{fund.slug}/plan/1/",
        f"/funds/{fund.slug}/plan/compare/?a=1&b=2",
        f"/funds/{fund.slug}/plan/compare/?a=1&b=9",
    ):
        visit(visitor, base + path)

    chair = page_as(browser, live_server, area.chair, javascript=javascript)
    visit(chair, f"{base}/funds/{fund.slug}/plan/revise/")
    follow(chair.get_by_role("button", name="Add another priority"))
    assert chair.locator("[data-row]").count() == 4  # two lines, the empty row and one more
    chair.locator("#id_r2_title").fill("Benches")
    chair.locator("#id_r2_y3").fill("-1")
    follow(chair.get_by_role("button", name="Save as a new revision"))
    assert_accessible(chair)  # the error summary and the marked boxes
    assert chair.get_by_text("There is a problem").is_visible()
    chair.locator("#id_r2_y3").fill("250")
    chair.locator("#id_summary").fill("Benches by the river")
    follow(chair.get_by_role("button", name="Save as a new revision"))
    assert PlanRevision.objects.filter(fund=fund).count() == 3
    for path in (
        f"/funds/partnerships/{area.partnership.slug}/members/add/",
        f"/funds/partnerships/{area.partnership.slug}/quorum/",
        f"/funds/partnerships/{area.partnership.slug}/members/{area.members[2].pk}/",
        f"/funds/partnerships/{area.partnership.slug}/members/{area.members[2].pk}/leave/",
    ):
        visit(chair, base + path)
    follow(chair.get_by_role("button", name="Yes, they have left"))

    admin = page_as(browser, live_server, make_site_admin(), javascript=javascript)
    visit(admin, f"{base}/funds/new/")
    visit(admin, f"{base}/funds/new/?council={area.council.pk}")
    follow(admin.get_by_role("button", name="Open the fund"))
    assert_accessible(admin)  # every box empty: the error summary
    assert admin.get_by_text("Enter the fund’s name").first.is_visible()
