"""The home page and the site search in a real browser, JavaScript on and off (axe-checked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.events.tests.factories import EventFactory
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import PostcodeFactory, WardFactory

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


def test_search_from_the_home_page(page: Any, live_server: Any) -> None:
    ward = WardFactory(name="Riverside")
    PostcodeFactory(postcode="GR3 1BN", ward_code=ward.gss_code)
    InitiativeFactory(title="Restore the bandstand", wards=[ward])
    ConversationFactory(question="What music for the bandstand?", ward=ward)
    EventFactory(title="Bandstand tea dance")

    visit(page, live_server.url + "/")
    assert page.get_by_role("heading", name="Happening in the area").is_visible()
    assert page.get_by_text("For example, GR3 1BN").is_visible()
    assert_accessible(page)

    page.get_by_label("Search Grassroots").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Search Grassroots").fill("bandstand")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("link", name="Restore the bandstand").is_visible()
    assert page.get_by_role("link", name="What music for the bandstand?").is_visible()
    assert page.get_by_role("link", name="Bandstand tea dance").is_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="All coming events matching “bandstand”").click()
    assert page.get_by_role("heading", name="Coming events matching “bandstand”").is_visible()
    assert_accessible(page)
