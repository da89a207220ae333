"""The initiatives list on a phone: the results come first, the filters behind one control.

With about thirty filter controls before it, the first result used to sit two screens down
(2,155 px). Checked at a 375 px wide viewport, with JavaScript on and off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}
FIRST_SCREEN = 800


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def phone(request: Any, browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        java_script_enabled=request.param, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def initiatives() -> None:
    wards = [WardFactory(name=f"Ward {n}") for n in range(12)]  # a long ward list
    InitiativeFactory(title="Canal clean-up", wards=wards[:1], theme="green_spaces")
    InitiativeFactory.create_batch(5, wards=wards[1:2], theme="transport")


def first_result_top(page: Any) -> float:
    box = page.locator("ul[aria-labelledby='results-heading'] li").first.bounding_box()
    assert box is not None
    return float(box["y"])


def test_the_first_result_is_on_the_first_screen(
    phone: Any, live_server: Any, initiatives: None
) -> None:
    visit(phone, live_server.url + "/initiatives/")
    assert first_result_top(phone) < FIRST_SCREEN
    assert not phone.get_by_label("Green spaces").is_visible()
    assert_accessible(phone)


def test_the_filters_work_from_the_filter_control(
    phone: Any, live_server: Any, initiatives: None
) -> None:
    visit(phone, live_server.url + "/initiatives/")
    phone.get_by_text("Filter initiatives", exact=True).click()
    phone.get_by_label("Green spaces").check()
    assert_accessible(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Apply filters").click()

    assert phone.get_by_role("heading", name="1 initiative").is_visible()
    assert phone.get_by_text("Filter initiatives (1 applied)").is_visible()
    assert first_result_top(phone) < FIRST_SCREEN
    assert phone.get_by_role("link", name="Canal clean-up").is_visible()
    assert_accessible(phone)
