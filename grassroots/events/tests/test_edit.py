"""Changing an event: same checks as creating, capacity never below the people going, the
calendar UID kept and SEQUENCE raised, and people going told when the time or place moves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.events import services
from grassroots.events.models import Event
from grassroots.events.tests.conftest import error_summary
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _data(event: Event, **extra: Any) -> dict[str, Any]:
    start = timezone.localtime(event.starts_at)
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "date_0": start.day,
        "date_1": start.month,
        "date_2": start.year,
        "start_time": start.strftime("%H:%M"),
        "end_time": timezone.localtime(event.ends_at).strftime("%H:%M"),
        "venue": event.venue_id or "",
        "online_url": event.online_url,
        "capacity": event.capacity or "",
    }
    data.update(extra)
    return data


def test_the_form_starts_filled_in(client: Any, world: Town) -> None:
    event = world.events["group"]
    client.force_login(world.person("organiser"))
    body = client.get(reverse("events:edit", args=[event.pk])).content.decode()
    assert f'value="{event.title}"' in body
    assert 'value="18:00"' in body


def test_a_surgery_has_no_type_to_choose(client: Any, world: Town) -> None:
    event = world.events["surgery"]
    client.force_login(world.person("surgery's councillor"))
    body = client.get(reverse("events:edit", args=[event.pk])).content.decode()
    assert "Type of event" not in body


def test_capacity_below_the_people_going_is_refused(client: Any, world: Town) -> None:
    event = world.events["group"]
    services.rsvp_going(user=UserFactory(), event=event)  # two going now
    client.force_login(world.person("organiser"))
    response = client.post(reverse("events:edit", args=[event.pk]), _data(event, capacity="1"))
    assert "Number of places must be at least 2, as 2 people are going" in error_summary(
        response.content.decode()
    )
    event.refresh_from_db()
    assert event.capacity == 20
    assert event.sequence == 0


def test_moving_the_event_keeps_its_uid_and_tells_people_going(client: Any, world: Town) -> None:
    event = world.events["group"]
    uid = event.uid
    client.force_login(world.person("organiser"))
    response = client.post(
        reverse("events:edit", args=[event.pk]), _data(event, start_time="17:00")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.uid == uid
    assert event.sequence == 1
    assert timezone.localtime(event.starts_at).time() == datetime.time(17, 0)
    note = Notification.objects.get(recipient=world.person("going resident"))
    assert note.kind == Kind.EVENT
    assert note.text.startswith("Changed:")


def test_saving_without_changes_changes_nothing(client: Any, world: Town) -> None:
    event = world.events["group"]
    client.force_login(world.person("organiser"))
    client.post(reverse("events:edit", args=[event.pk]), _data(event))
    event.refresh_from_db()
    assert event.sequence == 0
    assert not Notification.objects.exists()


def test_a_cancelled_event_cannot_be_changed(client: Any, world: Town) -> None:
    event = world.events["group"]
    services.event_cancel(actor=world.person("organiser"), event=event, reason="Rain")
    client.force_login(world.person("organiser"))
    response = client.post(reverse("events:edit", args=[event.pk]), _data(event, title="New"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title != "New"


def test_an_event_that_has_begun_keeps_its_date(client: Any, world: Town) -> None:
    event = world.events["group"]
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(minutes=30), ends_at=now + datetime.timedelta(hours=3)
    )
    event.refresh_from_db()
    client.force_login(world.person("organiser"))
    data = _data(event, title="Clean-up (running late)")
    data["end_time"] = timezone.localtime(event.ends_at).strftime("%H:%M")
    if timezone.localtime(event.ends_at).date() != timezone.localtime(event.starts_at).date():
        pytest.skip("the event would cross midnight")
    response = client.post(reverse("events:edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Clean-up (running late)"
