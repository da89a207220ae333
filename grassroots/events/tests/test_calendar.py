"""Calendar files and feeds: valid RFC 5545 (parsed with icalendar), stable UIDs, SEQUENCE
going up with each change, STATUS:CANCELLED, and never a safeguarded or hidden event."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from grassroots.events import services
from grassroots.initiatives.models import Visibility
from grassroots.testing.worlds import Town, make_event

pytestmark = pytest.mark.django_db


def _parse(response: Any) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"\r\n" in response.content  # RFC 5545 lines end in CRLF
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar.get("PRODID")
    return calendar


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _feeds(world: Town) -> list[str]:
    return [
        reverse("events:ward_calendar", args=[world.ward.pk]),
        reverse("events:group_calendar", args=[world.group.slug]),
        reverse("events:councillor_calendar", args=[world.surgery_councillor.slug]),
    ]


def test_one_events_file(client: Any, world: Town) -> None:
    event = world.events["group"]
    items = _events(_parse(client.get(reverse("events:ics", args=[event.pk]))))
    assert len(items) == 1
    item = next(iter(items.values()))
    assert str(item["SUMMARY"]) == event.title
    assert item.decoded("DTSTART") == event.starts_at
    assert item.decoded("DTEND") == event.ends_at
    assert int(item["SEQUENCE"]) == 0
    assert str(item["STATUS"]) == "CONFIRMED"
    assert "Riverside library" in str(item["LOCATION"])
    assert str(item["UID"]).startswith(str(event.uid))


def test_each_feed_has_its_events(client: Any, world: Town) -> None:
    ward, group, councillor = (_events(_parse(client.get(url))) for url in _feeds(world))
    uid = {kind: str(e.uid) for kind, e in world.events.items()}

    def kinds(items: dict[str, Any]) -> set[str]:
        return {k for k, u in uid.items() if any(key.startswith(u) for key in items)}

    # The venue is in the ward, so every event held there is in the ward's feed.
    assert kinds(ward) == {"group", "initiative", "ward", "surgery"}
    assert kinds(group) == {"group"}
    assert kinds(councillor) == {"surgery"}


def test_the_uid_stays_and_the_sequence_rises_across_edits(client: Any, world: Town) -> None:
    event = world.events["group"]
    url = reverse("events:group_calendar", args=[world.group.slug])
    before = _events(_parse(client.get(url)))
    host = world.person("organiser")
    services.event_update(actor=host, event=event, title="Bigger clean-up")
    later = event.starts_at + datetime.timedelta(days=1)
    services.event_update(
        actor=host, event=event, starts_at=later, ends_at=later + datetime.timedelta(hours=1)
    )
    after = _events(_parse(client.get(url)))
    assert set(after) == set(before)
    item = next(iter(after.values()))
    assert int(item["SEQUENCE"]) == 2
    assert str(item["SUMMARY"]) == "Bigger clean-up"
    assert item.decoded("DTSTART") == later


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(client: Any, world: Town) -> None:
    event = world.events["group"]
    services.event_cancel(actor=world.person("organiser"), event=event, reason="Rain")
    url = reverse("events:group_calendar", args=[world.group.slug])
    item = next(iter(_events(_parse(client.get(url))).values()))
    assert str(item["STATUS"]) == "CANCELLED"
    assert int(item["SEQUENCE"]) == 1


def test_feeds_never_carry_safeguarded_or_hidden_events(client: Any, world: Town) -> None:
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    hidden = world.events["ward"]
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    secret = {str(world.events["initiative"].uid), str(hidden.uid)}
    # Even signed in as the lead: a feed is a public address anybody could be given.
    client.force_login(world.person("lead"))
    for url in _feeds(world):
        body = client.get(url).content.decode()
        assert not any(uid in body for uid in secret), url
        assert world.events["initiative"].title not in body


def test_an_event_in_the_clocks_change_week_keeps_its_time(client: Any, world: Town) -> None:
    start = timezone.make_aware(datetime.datetime(2027, 10, 31, 10, 0))
    event = make_event(world.group, starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    item = next(iter(_events(_parse(client.get(reverse("events:ics", args=[event.pk])))).values()))
    assert item.decoded("DTSTART") == datetime.datetime(2027, 10, 31, 10, 0, tzinfo=datetime.UTC)


def test_feeds_of_missing_things_are_404(client: Any) -> None:
    assert client.get(reverse("events:ward_calendar", args=[999999])).status_code == 404
    assert client.get(reverse("events:group_calendar", args=["nope"])).status_code == 404
    assert client.get(reverse("events:councillor_calendar", args=["nope"])).status_code == 404


def test_it_lets_shared_caches_keep_a_public_events_file(client: Any, world: Town) -> None:
    response = client.get(reverse("events:ics", args=[world.events["group"].pk]))
    assert response["Cache-Control"] == "public, max-age=300"


def test_it_keeps_a_safeguarded_initiatives_events_file_out_of_shared_caches(
    client: Any, world: Town
) -> None:
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    event = world.events["initiative"]
    client.force_login(world.person("lead"))
    response = client.get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert "Cookie" in response["Vary"]


def test_it_keeps_a_hidden_events_file_out_of_shared_caches(client: Any, world: Town) -> None:
    event = world.events["group"]
    event.hidden_at = timezone.now()
    event.save(update_fields=["hidden_at"])
    client.force_login(world.person("organiser"))
    response = client.get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert "Cookie" in response["Vary"]


def test_the_feeds_stay_cacheable(client: Any, world: Town) -> None:
    for url in _feeds(world):
        assert client.get(url)["Cache-Control"] == "public, max-age=300", url
