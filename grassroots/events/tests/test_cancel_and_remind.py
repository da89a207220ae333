"""Cancelling tells everyone going or waiting; reminders go out once, a day before."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.events import services
from grassroots.events.models import Event
from grassroots.events.tasks import send_event_reminders
from grassroots.events.tests.conftest import error_summary, organiser_of
from grassroots.events.tests.factories import EventFactory
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def test_cancelling_notifies_everyone_going_and_waiting(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = EventFactory(capacity=1)
    going, waiting, cancelled = UserFactory(), UserFactory(), UserFactory()
    for user in (going, waiting, cancelled):
        services.rsvp_going(user=user, event=event)
    services.rsvp_cancel(user=going, event=event)  # waiting is promoted, cancelled waits
    Notification.objects.all().delete()
    client.force_login(organiser_of(event))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Flooded"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert event.sequence == 1
    told = set(Notification.objects.filter(kind=Kind.EVENT).values_list("recipient", flat=True))
    assert told == {waiting.pk, cancelled.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting.email, cancelled.email])
    assert "Cancelled" in mail.outbox[0].subject


def test_cancelling_needs_a_reason(client: Any) -> None:
    event = EventFactory()
    client.force_login(organiser_of(event))
    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": ""})
    assert "Enter why the event is cancelled" in error_summary(response.content.decode())
    event.refresh_from_db()
    assert event.cancelled_at is None


def test_cancelling_twice_is_explained(client: Any) -> None:
    event = EventFactory()
    client.force_login(organiser_of(event))
    client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Flooded"})
    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Again"})
    assert "already been cancelled" in error_summary(response.content.decode())


def test_a_safeguarded_initiatives_cancellation_reaches_only_insiders(world: Town) -> None:
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    event = world.events["initiative"]  # the going resident replied while it was public
    Notification.objects.all().delete()
    services.event_cancel(actor=world.person("lead"), event=event, reason="Moved")
    assert not Notification.objects.filter(recipient=world.person("going resident")).exists()


def _soon(hours: float) -> Event:
    start = timezone.now() + datetime.timedelta(hours=hours)
    return EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=1))


def test_reminders_go_once_to_people_going_a_day_before(
    django_capture_on_commit_callbacks: Any,
) -> None:
    tomorrow, next_week = _soon(20), _soon(24 * 7)
    going, waiting, far = UserFactory(), UserFactory(), UserFactory()
    tomorrow.capacity = 1
    tomorrow.save(update_fields=["capacity"])
    services.rsvp_going(user=going, event=tomorrow)
    services.rsvp_going(user=waiting, event=tomorrow)
    services.rsvp_going(user=far, event=next_week)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", stdout=io.StringIO())
        call_command("send_event_reminders", stdout=io.StringIO())
    reminders = Notification.objects.filter(kind=Kind.EVENT_REMINDER)
    assert list(reminders.values_list("recipient", flat=True)) == [going.pk]
    assert [m.to for m in mail.outbox] == [[going.email]]
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None


def test_no_reminder_for_a_cancelled_event() -> None:
    event = _soon(5)
    services.rsvp_going(user=UserFactory(), event=event)
    services.event_cancel(actor=organiser_of(event), event=event, reason="Flooded")
    assert services.event_reminders_send() == 0


def test_the_reminder_task_runs_the_same_job() -> None:
    event = _soon(3)
    services.rsvp_going(user=UserFactory(), event=event)
    assert send_event_reminders.call() == 1
    assert send_event_reminders.call() == 0
