"""Minutes, decisions and action items; open actions on their owner's dashboard until done."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.conversations.models import AgreedAction, Conversation
from grassroots.events.models import ActionItem, ActionStatus, Event, Minutes
from grassroots.events.selectors import your_actions
from grassroots.events.tests.conftest import World, error_summary
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def _started(event: Event) -> Event:
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )
    event.refresh_from_db()
    return event


def test_the_host_writes_minutes_and_decisions(client: Any, world: World) -> None:
    event = _started(world.events["group"])
    client.force_login(world.user("group organiser"))
    url = reverse("events:minutes", args=[event.pk])
    client.post(url, {"text": "Twelve came.", "decisions": "Meet monthly."})
    client.post(url, {"text": "Thirteen came.", "decisions": "Meet monthly."})
    minutes = Minutes.objects.get(event=event)
    assert minutes.text == "Thirteen came."
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Thirteen came." in body
    assert "Meet monthly." in body


def test_minutes_wait_until_the_event_has_started(client: Any, world: World) -> None:
    event = world.events["group"]
    client.force_login(world.user("group organiser"))
    response = client.post(reverse("events:minutes", args=[event.pk]), {"text": "Early"})
    assert "once the event has started" in error_summary(response.content.decode())
    assert not Minutes.objects.exists()


def test_minutes_need_text(client: Any, world: World) -> None:
    event = _started(world.events["group"])
    client.force_login(world.user("group organiser"))
    response = client.post(reverse("events:minutes", args=[event.pk]), {"text": " "})
    assert "Enter the minutes" in error_summary(response.content.decode())


def test_an_action_for_a_person_tells_them_and_shows_on_their_dashboard(
    client: Any, world: World
) -> None:
    event = _started(world.events["group"])
    owner = world.user("going resident")
    client.force_login(world.user("group organiser"))
    client.post(
        reverse("events:action_new", args=[event.pk]),
        {"what": "Email the parks team", "owner": str(owner.pk), "due_on_0": "", "due_on_1": ""},
    )
    item = ActionItem.objects.get(what="Email the parks team")
    assert item.owner == owner
    assert Notification.objects.filter(recipient=owner, kind=Kind.ACTION).exists()
    client.force_login(owner)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "Your actions" in body
    assert "Email the parks team" in body
    # The owner moves it on; once done it leaves the dashboard.
    client.post(reverse("events:action_status", args=[item.pk]), {"status": "in_progress"})
    assert "Email the parks team" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("events:action_status", args=[item.pk]), {"status": "done"})
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert "Email the parks team" not in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what": "", "owner_name": "Jo"}, "Enter what needs doing"),
        ({"what": "Ask", "owner_name": ""}, "Choose who will do it or enter their name"),
        ({"what": "Ask", "owner": "999999"}, "Select a person from the list"),
        ({"what": "x" * 301, "owner_name": "Jo"}, "What needs doing must be 300 characters"),
        (
            {
                "what": "Ask",
                "owner_name": "Jo",
                "due_on_0": "1",
                "due_on_1": "1",
                "due_on_2": "2020",
            },
            "Due date must be today or in the future",
        ),
    ],
)
def test_bad_action_input(client: Any, world: World, data: dict[str, Any], message: str) -> None:
    event = _started(world.events["group"])
    client.force_login(world.user("group organiser"))
    response = client.post(reverse("events:action_new", args=[event.pk]), data)
    assert message in error_summary(response.content.decode())
    assert not ActionItem.objects.exists()


def test_a_bad_status_is_refused(client: Any, world: World) -> None:
    item = ActionItem.objects.create(event=world.events["group"], what="Ask", owner_name="Jo")
    client.force_login(world.user("group organiser"))
    response = client.post(reverse("events:action_status", args=[item.pk]), {"status": "lost"})
    assert "Select the new status" in error_summary(response.content.decode())
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


def test_agreed_actions_from_conversations_join_the_dashboard(world: World) -> None:
    owner = world.user("going resident")
    conversation = Conversation.objects.create(group=world.group, question="What next?")
    AgreedAction.objects.create(conversation=conversation, what="Book the hall", owner=owner)
    AgreedAction.objects.create(
        conversation=conversation, what="Done already", owner=owner, done_at=timezone.now()
    )
    ActionItem.objects.create(event=world.events["ward"], what="Count the bins", owner=owner)
    assert [a.what for a in your_actions(owner)] == ["Book the hall", "Count the bins"]


def test_actions_of_a_safeguarded_initiative_stay_with_insiders(world: World) -> None:
    owner = world.user("going resident")
    ActionItem.objects.create(event=world.events["initiative"], what="Secret", owner=owner)
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    assert your_actions(owner) == []


def test_the_dashboard_block_costs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    owner = world.user("going resident")
    conversation = Conversation.objects.create(group=world.group, question="What next?")
    for n in range(30):
        ActionItem.objects.create(event=world.events["group"], what=f"Job {n}", owner=owner)
        AgreedAction.objects.create(conversation=conversation, what=f"Agreed {n}", owner=owner)
    with django_assert_max_num_queries(4):
        rows = your_actions(owner)
    assert len(rows) == 60
