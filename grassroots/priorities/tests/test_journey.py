"""In a real browser with axe-core on every page: a resident suggests a priority, then, once
voting is open, shares out their dots with the keyboard alone (first using too many), then
sees the results."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import assert_accessible, page_as, visit
from grassroots.priorities import services
from grassroots.priorities.models import Ballot, BallotChoice, Phase, Priority
from grassroots.priorities.tests.factories import build_place, open_exercise, published, set_phase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_suggests_votes_with_the_keyboard_and_sees_the_results(
    browser: Any, live_server: Any
) -> None:
    place = build_place()
    exercise = open_exercise(place)
    published(exercise, place.resident_b, "Better bus shelters")
    base = live_server.url
    page = page_as(browser, live_server, place.resident, javascript=False)

    visit(page, f"{base}{exercise.get_absolute_url()}")
    with page.expect_navigation():
        page.get_by_role("button", name="Suggest a priority").click()
    assert_accessible(page)
    page.get_by_label("Your suggestion").fill("A safe crossing by the school")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the suggestion").click()
    assert_accessible(page)
    suggestion = Priority.objects.get(title="A safe crossing by the school")
    services.priority_moderate(actor=place.organiser, priority=suggestion, publish=True)

    set_phase(exercise, Phase.VOTE)
    visit(page, f"{base}/priorities/{exercise.pk}/ballot/")
    # Keyboard only: focus the first box, type, tab to the next, type, and press Enter.
    page.get_by_label("Better bus shelters").focus()
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "you used 7" in summary.inner_text()
    assert not Ballot.objects.exists()
    field = page.get_by_label("A safe crossing by the school")
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    ballot = Ballot.objects.get()
    assert sorted(BallotChoice.objects.filter(ballot=ballot).values_list("dots", flat=True)) == [
        1,
        4,
    ]
    assert page.locator("[data-voted]").is_visible()

    set_phase(exercise, Phase.RESULTS)
    visit(page, f"{base}{exercise.get_absolute_url()}")
    with page.expect_navigation():
        page.get_by_role("link", name="See the results").click()
    assert_accessible(page)
    first = page.locator("[data-ranking] tbody tr").first
    assert "Better bus shelters" in first.inner_text()
    page.context.close()
