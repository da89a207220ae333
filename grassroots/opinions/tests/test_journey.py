"""In a real browser with axe-core on every page: a resident answers ten statements with the
keyboard alone, adds a statement, and (the recomputation having run: tests use the immediate
task backend) reads the report. The same journey works with JavaScript switched off. While a
computation runs, the report follows its progress and says when it has finished."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from grassroots.core.tests.browser import assert_accessible, page_as, visit
from grassroots.opinions.models import OpinionMap, Participant, Statement, StatementStatus, Vote
from grassroots.opinions.synthetic import planted_votes
from grassroots.opinions.tests.factories import build_place, start_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = tuple(f"Statement number {n} about getting around" for n in range(1, 13))


@pytest.mark.parametrize("javascript", [True, False])
def test_a_resident_votes_with_the_keyboard_adds_a_statement_and_reads_the_report(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    place = build_place()
    opinion_map = start_map(place, seeds=SEEDS)
    statements = list(Statement.objects.filter(map=opinion_map).order_by("id"))
    planted = planted_votes(40, len(statements), n_groups=2, density=0.7, seed=5)
    Participant.objects.bulk_create(Participant(map=opinion_map, external_id=n) for n in range(40))
    people = list(Participant.objects.filter(map=opinion_map, user=None).order_by("external_id"))
    Vote.objects.bulk_create(
        Vote(
            map=opinion_map,
            participant=people[int(p)],
            statement=statements[int(s)],
            choice=int(v),
        )
        for p, s, v in zip(planted.participants, planted.statements, planted.values, strict=True)
    )
    base = live_server.url
    page = page_as(browser, live_server, place.resident, javascript=javascript)

    visit(page, f"{base}{opinion_map.get_absolute_url()}")
    assert_accessible(page)
    for answered in range(10):
        assert f"You have answered {answered} of 12" in page.locator("#progress").inner_text()
        button = page.get_by_role(
            "button", name="Agree" if answered % 3 else "Disagree", exact=True
        )
        button.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert_accessible(page)
    assert Vote.objects.filter(participant__user=place.resident).count() == 10

    field = page.get_by_label("Your statement")
    field.focus()
    page.keyboard.type("A bus to the hospital every half hour")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    assert Statement.objects.filter(
        map=opinion_map, status=StatementStatus.PENDING, text__startswith="A bus to the hospital"
    ).exists()

    with page.expect_navigation():
        page.get_by_role("link", name="See where people agree and disagree").click()
    assert_accessible(page)
    body = page.content()
    assert "What most people agree on" in body
    assert "Last worked out on" in body
    assert page.locator("svg[role='img']").count() == 1
    opinion_map.refresh_from_db()
    assert opinion_map.computed_votes == Vote.objects.filter(map=opinion_map).count()
    page.context.close()


def test_the_report_says_when_a_running_computation_has_finished(
    browser: Any, live_server: Any
) -> None:
    place = build_place()
    opinion_map = start_map(place)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(computing_since=timezone.now(), progress=40)
    page = page_as(browser, live_server, None)
    visit(page, live_server.url + reverse("opinions:report", args=[opinion_map.pk]))
    live = page.locator("#computing")
    assert "40% done" in live.inner_text()
    assert_accessible(page)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(progress=70)
    expect(live).to_contain_text("70 per cent done", timeout=10_000)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(computing_since=None, progress=100)
    expect(live).to_contain_text("has been worked out again", timeout=10_000)
    page.context.close()
