"""The report, a grant's page and the grants list in Chromium: axe-clean (WCAG 2.2 AA) with and
without JavaScript, the year-by-year details opening from the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import page_as, visit
from grassroots.funding.tests.giving_world import build_world, decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_the_giving_pages_are_accessible(browser: Any, live_server: Any, javascript: bool) -> None:
    world = build_world()
    decide(world.park, world.area)
    page = page_as(browser, live_server, None, javascript=javascript)
    fund = world.area.fund
    visit(page, f"{live_server.url}/funds/{fund.slug}/report/")
    summary = page.locator("details[data-year='2'] summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details[data-year='2']").get_attribute("open") is not None
    assert page.locator("details[data-year='2'] table").is_visible()
    visit(page, f"{live_server.url}/funds/{fund.slug}/grants/")
    page.get_by_role("link", name="Pocket park").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Pocket park").is_visible()
    visit(page, page.url)
    visit(page, f"{live_server.url}{world.refuge.get_absolute_url()}")
    assert page.get_by_text("details withheld to keep people safe").is_visible()
