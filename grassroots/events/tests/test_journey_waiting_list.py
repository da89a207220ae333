"""A resident RSVPs to a full event, joins the waiting list, and is promoted when someone going
cancels (in a second browser), then sees "You're going". Every page is checked with axe-core
(WCAG 2.2 A/AA, zero violations), with JavaScript on and off."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.events import services
from grassroots.events.models import Event, Minutes, Rsvp, RsvpStatus
from grassroots.events.tests.factories import EventFactory
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Kind, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_resident_waits_and_is_promoted(browser: Any, live_server: Any, javascript: bool) -> None:
    event = EventFactory(capacity=1, title="Repair cafe")
    going = UserFactory(display_name="Gina Going")
    services.rsvp_going(user=going, event=event)
    resident = UserFactory(display_name="Rita Resident")
    url = live_server.url + event.get_absolute_url()

    page = page_as(browser, live_server, resident, javascript=javascript)
    visit(page, live_server.url + reverse("events:list"))
    follow(page.get_by_role("link", name="Repair cafe"))
    assert "Full" in page.content()
    assert_accessible(page)
    follow(page.get_by_role("button", name="Join the waiting list"))
    assert "You're on the waiting list" in page.content()
    assert "You are number 1 on the list" in page.content()
    assert_accessible(page)

    # The person going cancels in their own browser.
    other = page_as(browser, live_server, going, javascript=javascript)
    visit(other, url)
    follow(other.get_by_role("button", name="I can no longer go"))
    assert "You're no longer going" in other.content()
    assert_accessible(other)

    visit(page, url)
    assert "You're going" in page.locator("#your-rsvp").inner_text()
    assert Rsvp.objects.get(event=event, user=resident).status == RsvpStatus.GOING
    assert Notification.objects.filter(recipient=resident, kind=Kind.EVENT).exists()
    # The calendar file is offered and the account shows nothing owed.
    visit(page, live_server.url + reverse("accounts:profile"))
    page.context.close()
    other.context.close()


def test_an_organiser_puts_on_an_event_in_the_hour_the_clocks_go_back(
    browser: Any, live_server: Any
) -> None:
    group = GroupFactory(name="Repairers")
    page = page_as(browser, live_server, group.created_by, javascript=True)
    visit(page, live_server.url + reverse("events:new"))
    follow(page.get_by_role("button", name="Create event"))
    assert "There is a problem" in page.content()
    assert_accessible(page)
    page.get_by_label("Title").fill("Night walk")
    page.get_by_label("Description").fill("Owls and bats.")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Start time").fill("01:30")
    page.get_by_label("End time").fill("03:00")
    page.get_by_label("Online link (optional if there is a venue)").fill(
        "https://meet.example.org/owls"
    )
    follow(page.get_by_role("button", name="Create event"))
    assert "happens twice" in page.content()
    assert_accessible(page)
    page.get_by_label("The second one, after the clocks go back (Greenwich Mean Time)").check()
    follow(page.get_by_role("button", name="Create event"))
    assert "Your event has been created" in page.content()
    assert_accessible(page)
    page.context.close()


def test_the_other_events_pages_pass_axe(browser: Any, live_server: Any) -> None:

    event = EventFactory(title="Park meeting", capacity=10)
    assert event.group is not None
    host = event.group.created_by
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )
    Minutes.objects.create(event=event, text="We met.", decisions="Meet again.")
    event.action_items.create(what="Book the hall", owner=host)
    page = page_as(browser, live_server, host, javascript=False)
    base = live_server.url
    for url in [
        reverse("events:list") + "?when=past",
        reverse("events:venues"),
        reverse("events:venue", args=[event.venue_id]),
        reverse("events:venue_edit", args=[event.venue_id]),
        reverse("events:venue_new"),
        event.get_absolute_url(),
        reverse("events:edit", args=[event.pk]),
        reverse("events:minutes", args=[event.pk]),
        reverse("actions:event_action_new", args=[event.pk]),
        reverse("actions:event_action_status", args=[event.action_items.get().pk]),
        reverse("accounts:profile"),
    ]:
        visit(page, base + url)
    # Errors shown the GOV.UK way are accessible too.
    visit(page, base + reverse("actions:event_action_new", args=[event.pk]))
    follow(page.get_by_role("button", name="Add action"))
    assert "There is a problem" in page.content()
    assert_accessible(page)
    visit(page, base + reverse("events:venue_new"))
    follow(page.get_by_role("button", name="Add venue"))
    assert "There is a problem" in page.content()
    assert_accessible(page)
    page.context.close()
