"""A resident finds a service within 2 miles of a postcode, JavaScript on and off (axe-checked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.directory.models import Need
from grassroots.directory.tests.pages import centre_postcode, service_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def page(request: Any, browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=request.param)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    yield tab
    context.close()
    assert problems == []


def test_a_resident_finds_a_service_within_two_miles(page: Any, live_server: Any) -> None:
    centre_postcode()
    service_at("Marsh food bank", 1.2, 0.5, need=Need.FOOD)
    service_at("Far food bank", 3.5, 0, need=Need.FOOD)

    visit(page, live_server.url + "/directory/")
    assert page.get_by_role("heading", name="Find local help").is_visible()
    assert_accessible(page)

    page.get_by_label("Postcode").fill("nowhere")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert page.title().startswith("Error: ")
    assert page.get_by_role("link", name="Enter a real postcode, like GR3 1BN").is_visible()
    assert_accessible(page)

    page.get_by_label("What do you need help with?").fill("food")
    page.get_by_label("Postcode").fill("gr3 1bn")
    page.get_by_label("How far").select_option("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("heading", name="1 service within 2 miles of GR3 1BN").is_visible()
    assert page.get_by_role("link", name="Far food bank").count() == 0
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Marsh food bank", exact=True).first.click()
    assert page.get_by_role("heading", name="Marsh food bank", level=1).is_visible()
    assert page.get_by_text("Last checked on 1 March 2026").is_visible()
    assert_accessible(page)
