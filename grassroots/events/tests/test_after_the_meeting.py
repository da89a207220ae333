"""Minutes, decisions and action items; open actions on their owner's dashboard until done."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.events.models import Event, Minutes
from grassroots.events.tests.conftest import error_summary
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _started(event: Event) -> Event:
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )
    event.refresh_from_db()
    return event


def test_the_host_writes_minutes_and_decisions(client: Any, world: Town) -> None:
    event = _started(world.events["group"])
    client.force_login(world.user("organiser"))
    url = reverse("events:minutes", args=[event.pk])
    client.post(url, {"text": "Twelve came.", "decisions": "Meet monthly."})
    client.post(url, {"text": "Thirteen came.", "decisions": "Meet monthly."})
    minutes = Minutes.objects.get(event=event)
    assert minutes.text == "Thirteen came."
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Thirteen came." in body
    assert "Meet monthly." in body


def test_minutes_wait_until_the_event_has_started(client: Any, world: Town) -> None:
    event = world.events["group"]
    client.force_login(world.user("organiser"))
    response = client.post(reverse("events:minutes", args=[event.pk]), {"text": "Early"})
    assert "once the event has started" in error_summary(response.content.decode())
    assert not Minutes.objects.exists()


def test_minutes_need_text(client: Any, world: Town) -> None:
    event = _started(world.events["group"])
    client.force_login(world.user("organiser"))
    response = client.post(reverse("events:minutes", args=[event.pk]), {"text": " "})
    assert "Enter the minutes" in error_summary(response.content.decode())
