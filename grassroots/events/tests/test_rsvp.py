"""Going, the waiting list and automatic promotion (also under concurrency)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.services import ServiceError
from grassroots.events import services
from grassroots.events.models import Event, Rsvp, RsvpStatus
from grassroots.events.tests.conftest import organiser_of
from grassroots.events.tests.factories import EventFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _statuses(event: Event) -> dict[int, str]:
    return dict(Rsvp.objects.filter(event=event).values_list("user_id", "status"))


def _full_event(capacity: int = 2, waiting: int = 2) -> tuple[Event, list[Any], list[Any]]:
    event = EventFactory(capacity=capacity)
    going = [UserFactory() for _ in range(capacity)]
    queue = [UserFactory() for _ in range(waiting)]
    for user in going + queue:
        services.rsvp_going(user=user, event=event)
    return event, going, queue


def test_people_go_until_it_is_full_then_wait_in_order() -> None:
    event, going, queue = _full_event()
    statuses = _statuses(event)
    assert [statuses[u.pk] for u in going] == [RsvpStatus.GOING] * 2
    assert [statuses[u.pk] for u in queue] == [RsvpStatus.WAITING] * 2


def test_saying_going_twice_changes_nothing() -> None:
    event, going, _queue = _full_event()
    again = services.rsvp_going(user=going[0], event=event)
    assert again.status == RsvpStatus.GOING
    assert Rsvp.objects.filter(event=event).count() == 4


def test_a_cancellation_promotes_the_first_waiting_and_tells_them() -> None:
    event, going, queue = _full_event()
    services.rsvp_cancel(user=going[0], event=event)
    statuses = _statuses(event)
    assert statuses[going[0].pk] == RsvpStatus.CANCELLED
    assert statuses[queue[0].pk] == RsvpStatus.GOING
    assert statuses[queue[1].pk] == RsvpStatus.WAITING
    note = Notification.objects.get(recipient=queue[0])
    assert note.kind == Kind.EVENT
    assert event.title in note.text
    assert not Notification.objects.filter(recipient=queue[1]).exists()


def test_two_cancellations_promote_the_first_two_in_order() -> None:
    event, going, queue = _full_event(capacity=2, waiting=3)
    services.rsvp_cancel(user=going[0], event=event)
    services.rsvp_cancel(user=going[1], event=event)
    statuses = _statuses(event)
    assert [statuses[u.pk] for u in queue] == [
        RsvpStatus.GOING,
        RsvpStatus.GOING,
        RsvpStatus.WAITING,
    ]
    assert Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).count() == 2


def test_leaving_the_waiting_list_promotes_nobody() -> None:
    event, _going, queue = _full_event()
    services.rsvp_cancel(user=queue[0], event=event)
    assert _statuses(event)[queue[1].pk] == RsvpStatus.WAITING


def test_coming_back_after_cancelling_joins_the_end_of_the_list() -> None:
    event, going, queue = _full_event()
    services.rsvp_cancel(user=going[0], event=event)  # queue[0] promoted
    back = services.rsvp_going(user=going[0], event=event)
    assert back.status == RsvpStatus.WAITING
    services.rsvp_cancel(user=going[1], event=event)
    statuses = _statuses(event)
    assert statuses[queue[1].pk] == RsvpStatus.GOING  # before the one who came back
    assert statuses[going[0].pk] == RsvpStatus.WAITING


def test_raising_the_capacity_promotes_the_waiting_list(world: Town) -> None:
    event, _going, queue = _full_event()
    host = organiser_of(event)
    services.event_update(actor=host, event=event, capacity=3)
    statuses = _statuses(event)
    assert statuses[queue[0].pk] == RsvpStatus.GOING
    assert statuses[queue[1].pk] == RsvpStatus.WAITING
    services.event_update(actor=host, event=event, capacity=None)
    assert _statuses(event)[queue[1].pk] == RsvpStatus.GOING


def test_capacity_cannot_go_below_the_people_going() -> None:
    event, _going, _queue = _full_event()
    with pytest.raises(ServiceError, match="at least 2"):
        services.event_update(actor=organiser_of(event), event=event, capacity=1)
    event.refresh_from_db()
    assert event.capacity == 2
    assert event.sequence == 0


def test_no_replies_to_a_cancelled_or_finished_event() -> None:
    event, _going, _queue = _full_event()
    services.event_cancel(actor=organiser_of(event), event=event, reason="Flooded")
    with pytest.raises(ServiceError, match="cancelled"):
        services.rsvp_going(user=UserFactory(), event=event)


def test_the_pages_buttons(client: Any) -> None:
    event, going, _queue = _full_event(capacity=1, waiting=0)
    resident = UserFactory()
    client.force_login(resident)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Join the waiting list" in body
    assert "Full" in body
    response = client.post(reverse("events:rsvp", args=[event.pk]), follow=True)
    body = response.content.decode()
    assert "on the waiting list" in body
    assert "You are number 1 on the list" in body
    client.force_login(going[0])
    client.post(reverse("events:rsvp_cancel", args=[event.pk]))
    client.force_login(resident)
    assert "You're going" in client.get(event.get_absolute_url()).content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client: Any) -> None:
    event = EventFactory()
    response = client.post(reverse("events:rsvp", args=[event.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert not Rsvp.objects.exists()


def test_replying_only_by_post(client: Any) -> None:
    event = EventFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("events:rsvp", args=[event.pk])).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_the_same_moment_promote_two_people_once_each() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: real concurrency needs PostgreSQL")
    event, going, queue = _full_event(capacity=2, waiting=3)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def cancel(user: User) -> None:
        try:
            barrier.wait()
            services.rsvp_cancel(user=user, event=event)
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=cancel, args=(user,)) for user in going]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = _statuses(event)
    assert [statuses[u.pk] for u in queue] == [
        RsvpStatus.GOING,
        RsvpStatus.GOING,
        RsvpStatus.WAITING,
    ]
    assert Notification.objects.filter(recipient__in=queue[:2], kind=Kind.EVENT).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_last_place_goes_to_one_of_two_people_replying_at_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: real concurrency needs PostgreSQL")
    event = EventFactory(capacity=1)
    people = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)

    def reply(user: User) -> None:
        try:
            barrier.wait()
            services.rsvp_going(user=user, event=event)
        finally:
            connection.close()

    threads = [threading.Thread(target=reply, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(_statuses(event).values()) == [RsvpStatus.GOING, RsvpStatus.WAITING]
