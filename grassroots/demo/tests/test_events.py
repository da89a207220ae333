"""The demo borough has venues, upcoming and past events of every host, surgeries, a waiting
list, minutes and actions; re-running the demo changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone
from freezegun import freeze_time

from grassroots.actions.selectors import your_actions
from grassroots.core.models import AuditEntry
from grassroots.demo.borough import Borough
from grassroots.demo.seed import seed_demo
from grassroots.events.models import Event, EventKind, Minutes, Rsvp, Venue
from grassroots.events.selectors import event_list
from grassroots.events.visibility import visible_events

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (
            # The initiatives step rebuilds its initiatives (and so their events) on each run;
            # every other event keeps its row.
            0 if e.initiative_id else e.pk,
            str(e.uid),
            e.title,
            e.kind,
            e.starts_at,
            e.venue_id,
            e.capacity,
            e.cancelled_at is not None,
            tuple(sorted(Rsvp.objects.filter(event=e).values_list("user_id", "status"))),
            tuple(sorted(e.action_items.values_list("what", "owner_id"))),
        )
        for e in Event.objects.all()
    )


@override_settings(DEBUG=True)
def test_the_demo_has_events_of_every_kind_and_is_the_same_on_a_second_run(
    seeded: Borough,
) -> None:
    borough = seeded
    venues = Venue.objects.filter(council=borough.council)
    assert venues.count() >= 4
    assert venues.filter(step_free=True).exists()
    assert venues.filter(step_free=False).exists()
    events = Event.objects.all()
    assert events.filter(group__isnull=False).exists()
    assert events.filter(initiative__isnull=False).exists()
    assert events.filter(ward__isnull=False).exists()
    councillor = borough.accounts["councillor"]
    surgeries = events.filter(kind=EventKind.SURGERY, councillor__user=councillor)
    assert surgeries.count() >= 2
    assert events.filter(cancelled_at__isnull=False).exists()
    anyone = AnonymousUser()
    assert event_list(anyone).exists()
    assert event_list(anyone, past=True).exists()
    # The safeguarded initiative's event exists but nobody outside can find it.
    secret = events.filter(initiative__visibility="safeguarded")
    assert secret.exists()
    assert not visible_events(anyone).filter(pk__in=secret).exists()
    full = [
        e for e in event_list(anyone) if e.capacity and getattr(e, "going_count", 0) >= e.capacity
    ]
    assert full
    assert getattr(full[0], "waiting_count", 0) > 0
    assert Minutes.objects.filter(decisions__gt="").exists()
    resident = borough.accounts["resident"]
    assert len(your_actions(resident)) >= 2

    first = _content()
    seed_demo()
    assert _content() == first


def test_it_puts_on_venues_and_events_as_the_people_who_would(seeded: Borough) -> None:
    borough = seeded
    venues = Venue.objects.filter(council=borough.council).select_related("created_by", "group")
    for venue in venues:
        assert venue.created_by is not None
        assert venue.created_by.has_perm("events.change_venue", venue)
    for event in Event.objects.select_related("created_by"):
        assert event.created_by is not None
        assert event.created_by.has_perm("events.change_event", event), event.title
    assert AuditEntry.objects.filter(action="events.event_cancelled").exists()


@pytest.mark.usefixtures("seeded")
def test_it_keeps_its_events_and_moves_them_on_when_rerun_on_a_later_day() -> None:
    before = {e.uid: e.pk for e in Event.objects.filter(initiative__isnull=True)}
    later = timezone.now() + datetime.timedelta(days=20)
    with freeze_time(later):
        seed_demo()
        after = {e.uid: e.pk for e in Event.objects.filter(initiative__isnull=True)}
        assert after == before
        cancelled = Event.objects.get(cancelled_at__isnull=False)
        assert cancelled.starts_at > timezone.now()  # the cancelled one still to come
        assert cancelled.sequence > 1  # changed, then cancelled again, as calendars need
        assert event_list(AnonymousUser(), past=True).exists()
        assert Minutes.objects.exists()
