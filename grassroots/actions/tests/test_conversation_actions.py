"""Agreed actions in a conversation: the host records them (for someone taking part or a
name), the host or the owner marks them done, also once the conversation's group is archived.
Moved here from the conversations app's tests when the actions got their own app."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from grassroots.actions import services as action_services
from grassroots.actions.models import ActionItem
from grassroots.conversations import services
from grassroots.conversations.models import Conversation
from grassroots.conversations.tests.conftest import (
    CAST,
    HOSTS,
    build_world,
    error_summary,
    login,
)
from grassroots.groups import services as group_services
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


# The conversations' town (grassroots/conversations/tests/conftest.py), built once per module;
# each test gets its own copy (see grassroots/testing/snapshots.py).
world_snapshot, world = shared_world(build_world, name="world")


def url(name: str, conversation: Conversation, **extra: Any) -> str:
    return reverse(f"actions:{name}", kwargs={"pk": conversation.pk, **extra})


def future(days: int = 14) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def date_fields(day: datetime.date) -> dict[str, str]:
    return {"due_on_0": str(day.day), "due_on_1": str(day.month), "due_on_2": str(day.year)}


def allowed(world: Town, role: str, perm: str, obj: Model | None) -> bool:
    return bool(world.user(role).has_perm(perm, obj))


def _archive(world: Town) -> None:
    group_services.group_archive(group=world.group, actor=world.person("host"))
    world.group.refresh_from_db()


def test_the_host_records_an_action_for_a_participant(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    councillor = world.person("ward councillor")
    services.post_create(actor=councillor, conversation=conversation, body="I can ask Parks")
    login(client, world.person("host"))
    page = client.get(url("conversation_action_new", conversation)).content.decode()
    assert f'value="{councillor.pk}"' in page
    data = {"what": "Ask Parks for a bench", "owner": councillor.pk, **date_fields(future())}
    response = client.post(url("conversation_action_new", conversation), data)
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert action.owner == councillor
    assert action.due_on == future()
    note = Notification.objects.get(recipient=councillor, kind=Kind.ACTION)
    assert note.conversation == conversation
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Ask Parks for a bench" in page


def test_the_host_records_an_action_for_a_name(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    login(client, world.person("host"))
    data = {"what": "Measure the spot", "owner_name": "The caretaker", **date_fields(future())}
    client.post(url("conversation_action_new", conversation), data)
    action = ActionItem.objects.get()
    assert action.owner is None
    assert action.owner_name == "The caretaker"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what": "", "owner_name": "X"}, "Enter what was agreed"),
        ({"what": "w" * 301, "owner_name": "X"}, "300 characters"),
        ({"what": "Do it"}, "Choose someone taking part, or type the name"),
        ({"what": "Do it", "owner_name": "n" * 201}, "200 characters"),
        ({"what": "Do it", "owner": "999999"}, "Choose someone taking part in the conversation"),
        ({"what": "Do it", "owner": "abc"}, "Choose someone taking part in the conversation"),
    ],
)
def test_bad_actions_are_explained_and_change_nothing(
    client: Any, world: Town, data: dict[str, str], message: str
) -> None:
    conversation = world.conversation("ward")
    login(client, world.person("host"))
    response = client.post(
        url("conversation_action_new", conversation), {**data, **date_fields(future())}
    )
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({}, "Enter the date it should be done by"),
        ({"due_on_0": "31", "due_on_1": "2", "due_on_2": "2030"}, "must be a real date"),
        ({"due_on_0": "1", "due_on_1": "1", "due_on_2": "2020"}, "today or in the future"),
        ({"due_on_0": "1", "due_on_1": "", "due_on_2": "2030"}, "must include a month"),
    ],
)
def test_bad_dates_are_explained(
    client: Any, world: Town, parts: dict[str, str], message: str
) -> None:
    conversation = world.conversation("ward")
    login(client, world.person("host"))
    data = {"what": "Do it", "owner_name": "Sam", **parts}
    response = client.post(url("conversation_action_new", conversation), data)
    assert message in error_summary(response.content.decode())
    assert not ActionItem.objects.exists()


def test_the_host_or_owner_marks_an_action_done(client: Any, world: Town) -> None:
    conversation = world.conversation("ward")
    action = action_services.action_add(
        actor=world.person("host"),
        parent=conversation,
        what="Write to Parks",
        owner=world.person("author"),
        due_on=future(),
    )
    done = url("conversation_action_done", conversation, action_pk=action.pk)
    login(client, world.person("resident"))
    assert client.post(done).status_code == 403
    login(client, world.person("author"))
    assert client.post(done).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
    assert client.post(done).status_code == 302  # twice: no harm, no error
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Done" in page


def test_agreed_actions_already_recorded_can_still_be_marked_done(client: Any, world: Town) -> None:
    conversation = world.conversation("group")
    action = action_services.action_add(
        actor=world.person("host"),
        parent=conversation,
        what="Return the tools",
        owner=world.person("member"),
    )
    _archive(world)
    login(client, world.person("host"))
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert url("conversation_action_done", conversation, action_pk=action.pk) in body
    response = client.post(url("conversation_action_done", conversation, action_pk=action.pk))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None


@pytest.mark.parametrize("host", HOSTS)
def test_the_host_or_the_owner_completes_an_action(world: Town, host: str) -> None:
    action = action_services.action_add(
        actor=world.person("host"),
        parent=world.conversation(host),
        what="Ask the council for a bench",
        owner=world.person("ward councillor"),
        due_on=timezone.localdate(),
    )
    got = {role for role in CAST if allowed(world, role, "actions.update", action)}
    assert got == {"host", "ward councillor"}
