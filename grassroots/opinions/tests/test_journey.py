"""In a real browser with axe-core on every page: a resident answers every statement of an
opinion map with the keyboard alone, then adds a statement of their own."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, page_as, visit
from grassroots.opinions.models import Statement, StatementStatus, Vote
from grassroots.opinions.tests.factories import build_place, start_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_answers_with_the_keyboard(browser: Any, live_server: Any) -> None:
    place = build_place()
    opinion_map = start_map(place)
    page = page_as(browser, live_server, place.resident)
    visit(page, f"{live_server.url}{opinion_map.get_absolute_url()}")
    assert_accessible(page)
    for button in ("Agree", "Disagree", "Pass / unsure"):
        page.get_by_role("button", name=button, exact=True).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert_accessible(page)
    assert page.get_by_text("You have answered every statement").is_visible()
    assert sorted(Vote.objects.values_list("choice", flat=True)) == [-1, 0, 1]

    page.get_by_label("Your statement").focus()
    page.keyboard.type("A bus to the hospital every hour")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    assert page.get_by_text("Your statement will appear once it has been checked").is_visible()
    added = Statement.objects.get(text="A bus to the hospital every hour")
    assert added.status == StatementStatus.PENDING
    page.context.close()
