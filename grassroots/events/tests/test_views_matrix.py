"""Every data-changing page, posted to by every role: hosts succeed, anonymous visitors are
sent to sign in, everybody else gets 403 and nothing changes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.events.models import Event
from grassroots.events.tests.conftest import CAST
from grassroots.testing.worlds import EVENT_HOSTS, Town

pytestmark = pytest.mark.django_db


def _edit_data(event: Event) -> dict[str, Any]:
    start = timezone.localtime(event.starts_at)
    return {
        "kind": "meeting",
        "title": "A new title",
        "description": event.description,
        "date_0": start.day,
        "date_1": start.month,
        "date_2": start.year,
        "start_time": "18:00",
        "end_time": "20:00",
        "venue": event.venue_id or "",
        "online_url": "",
        "capacity": "25",
    }


def _started(event: Event) -> None:
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )


ACTIONS = ["edit", "cancel", "minutes", "action_new"]


def _request(world: Town, kind: str, action: str) -> tuple[str, dict[str, Any]]:
    event = world.events[kind]
    if action == "edit":
        return reverse("events:edit", args=[event.pk]), _edit_data(event)
    if action == "cancel":
        return reverse("events:cancel", args=[event.pk]), {"reason": "The hall flooded"}
    _started(event)
    if action == "minutes":
        return reverse("events:minutes", args=[event.pk]), {"text": "We met.", "decisions": ""}
    return reverse("actions:event_action_new", args=[event.pk]), {"what": "Ask", "owner_name": "Jo"}


def _expect(role: str, allowed: bool) -> set[int]:
    if role == "anonymous":
        return {302}
    return {302} if allowed else {403}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_hosts_only(client: Any, world: Town, kind: str, action: str) -> None:
    url, data = _request(world, kind, action)
    event_url = world.events[kind].get_absolute_url()
    for role in CAST:
        client.logout()
        user = world.user(role)
        if user.is_authenticated:
            client.force_login(user)
        entries = AuditEntry.objects.count()
        allowed = role == EVENT_HOSTS[kind]
        response = client.post(url, data)
        assert response.status_code in _expect(role, allowed), (role, response.status_code)
        if role == "anonymous":
            assert "/login" in response["Location"]
        if allowed:
            assert response["Location"] == event_url
            assert AuditEntry.objects.count() > entries
        else:
            assert AuditEntry.objects.count() == entries, role
        if action == "cancel" and allowed:
            break  # the rest would be told it is already cancelled


def test_rsvp_is_for_everybody_signed_in(client: Any, world: Town) -> None:
    event = world.events["group"]
    for role in CAST:
        client.logout()
        user = world.user(role)
        if user.is_authenticated:
            client.force_login(user)
        response = client.post(reverse("events:rsvp", args=[event.pk]))
        assert response.status_code == 302, role
        if role == "anonymous":
            assert "/login" in response["Location"]
        else:
            going = event.rsvps.filter(user=world.person(role), status="going")
            assert going.exists(), role


def test_venue_pages(client: Any, world: Town) -> None:
    new_url = reverse("events:venue_new")
    edit_url = reverse("events:venue_edit", args=[world.venue.pk])
    for role in CAST:
        client.logout()
        user = world.user(role)
        if user.is_authenticated:
            client.force_login(user)
        may_add = role in ("organiser", "organiser of another group", "site admin")
        may_change = role in ("organiser", "site admin")
        expected = 302 if role == "anonymous" else (200 if may_add else 403)
        assert client.get(new_url).status_code == expected, role
        response = client.post(edit_url, {"name": f"Library ({role})"})
        assert response.status_code in _expect(role, may_change), role
