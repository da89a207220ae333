"""Actions from a meeting: the hosts add them, their owner or the hosts move them on, and open
ones (with a conversation's agreed actions) show on their owner's dashboard until done. Moved
here from the events app's tests when the actions got their own app."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.actions.models import ActionItem, ActionStatus
from grassroots.actions.selectors import your_actions
from grassroots.conversations.models import Conversation
from grassroots.events.models import Event
from grassroots.events.tests.conftest import CAST, build_world, error_summary
from grassroots.initiatives.models import Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import EVENT_HOSTS, Town

pytestmark = pytest.mark.django_db


# The events' town (grassroots/events/tests/conftest.py), built once per module; each test
# gets its own copy (see grassroots/testing/snapshots.py).
world_snapshot, world = shared_world(build_world, name="world")


def action_for(world: Town, kind: str) -> ActionItem:
    return ActionItem.objects.create(
        event=world.events[kind], what="Write to the council", owner=world.person("going resident")
    )


def _started(event: Event) -> Event:
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )
    event.refresh_from_db()
    return event


def _row(world: Town, perm: str, obj: Any) -> dict[str, bool]:
    return {role: world.user(role).has_perm(perm, obj) for role in CAST}


def _only(*roles: str) -> dict[str, bool]:
    return {role: role in roles for role in CAST}


def _expect(role: str, allowed: bool) -> set[int]:
    if role == "anonymous":
        return {302}
    return {302} if allowed else {403}


def test_an_action_for_a_person_tells_them_and_shows_on_their_dashboard(
    client: Any, world: Town
) -> None:
    event = _started(world.events["group"])
    owner = world.person("going resident")
    client.force_login(world.person("organiser"))
    client.post(
        reverse("actions:event_action_new", args=[event.pk]),
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
    client.post(reverse("actions:event_action_status", args=[item.pk]), {"status": "in_progress"})
    assert "Email the parks team" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("actions:event_action_status", args=[item.pk]), {"status": "done"})
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
def test_bad_action_input(client: Any, world: Town, data: dict[str, Any], message: str) -> None:
    event = _started(world.events["group"])
    client.force_login(world.person("organiser"))
    response = client.post(reverse("actions:event_action_new", args=[event.pk]), data)
    assert message in error_summary(response.content.decode())
    assert not ActionItem.objects.exists()


def test_a_bad_status_is_refused(client: Any, world: Town) -> None:
    item = ActionItem.objects.create(event=world.events["group"], what="Ask", owner_name="Jo")
    client.force_login(world.person("organiser"))
    response = client.post(
        reverse("actions:event_action_status", args=[item.pk]), {"status": "lost"}
    )
    assert "Select the new status" in error_summary(response.content.decode())
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


def test_agreed_actions_from_conversations_join_the_dashboard(world: Town) -> None:
    owner = world.person("going resident")
    conversation = Conversation.objects.create(group=world.group, question="What next?")
    ActionItem.objects.create(conversation=conversation, what="Book the hall", owner=owner)
    ActionItem.objects.create(
        conversation=conversation,
        what="Done already",
        owner=owner,
        status=ActionStatus.DONE,
        done_at=timezone.now(),
    )
    ActionItem.objects.create(event=world.events["ward"], what="Count the bins", owner=owner)
    assert [a.what for a in your_actions(owner)] == ["Book the hall", "Count the bins"]


def test_actions_of_a_safeguarded_initiative_stay_with_insiders(world: Town) -> None:
    owner = world.person("going resident")
    ActionItem.objects.create(event=world.events["initiative"], what="Secret", owner=owner)
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    assert your_actions(owner) == []


def test_the_dashboard_block_costs_a_fixed_number_of_queries(
    world: Town, django_assert_max_num_queries: Any
) -> None:
    owner = world.person("going resident")
    conversation = Conversation.objects.create(group=world.group, question="What next?")
    for n in range(30):
        ActionItem.objects.create(event=world.events["group"], what=f"Job {n}", owner=owner)
        ActionItem.objects.create(conversation=conversation, what=f"Agreed {n}", owner=owner)
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(6):
        rows = your_actions(owner)
    assert len(rows) == 60


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_updating_an_action_is_for_its_owner_and_the_hosts(world: Town, kind: str) -> None:
    item = action_for(world, kind)  # owned by the going resident
    assert _row(world, "actions.update", item) == _only("going resident", EVENT_HOSTS[kind])


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_action_status_is_for_owner_and_hosts(client: Any, world: Town, kind: str) -> None:
    item = action_for(world, kind)
    url = reverse("actions:event_action_status", args=[item.pk])
    for role in CAST:
        client.logout()
        user = world.user(role)
        if user.is_authenticated:
            client.force_login(user)
        allowed = role in ("going resident", EVENT_HOSTS[kind])
        response = client.post(
            url, {"status": "in_progress" if role != "going resident" else "done"}
        )
        assert response.status_code in _expect(role, allowed), role


def test_the_event_page_with_many_actions_costs_a_bounded_number_of_queries(
    client: Any, world: Town, django_assert_max_num_queries: Any
) -> None:
    event = world.events["group"]
    owners = [UserFactory() for _ in range(5)]
    ActionItem.objects.bulk_create(
        ActionItem(event=event, what=f"Job {n}", owner=owners[n % 5]) for n in range(40)
    )
    client.force_login(world.person("organiser"))
    with django_assert_max_num_queries(22):
        response = client.get(event.get_absolute_url())
    assert response.content.decode().count(">Update<") == 40
