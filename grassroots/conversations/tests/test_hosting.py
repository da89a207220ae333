"""The host pins a summary, records agreed actions and marks them done, and closes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.conversations import services
from grassroots.conversations.models import AgreedAction, Conversation
from grassroots.notifications.models import Kind, Notification

from .conftest import ROLES, World, error_summary, login

pytestmark = pytest.mark.django_db


def url(name: str, conversation: Conversation, **extra: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"pk": conversation.pk, **extra})


def future(days: int = 14) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def date_fields(day: datetime.date) -> dict[str, str]:
    return {"due_on_0": str(day.day), "due_on_1": str(day.month), "due_on_2": str(day.year)}


def test_the_host_pins_a_summary(client: Any, world: World) -> None:
    conversation = world.conversation("group")
    login(client, world.user("host"))
    assert client.get(url("summary", conversation)).status_code == 200
    response = client.post(url("summary", conversation), {"summary": "Most want the pond."})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.summary == "Most want the pond."
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Pinned summary" in page
    assert "Most want the pond." in page
    client.post(url("summary", conversation), {"summary": "   "})
    conversation.refresh_from_db()
    assert conversation.summary == ""


def test_a_too_long_summary_is_refused(client: Any, world: World) -> None:
    conversation = world.conversation("group")
    login(client, world.user("host"))
    response = client.post(url("summary", conversation), {"summary": "s" * 5001})
    assert "5,000 characters" in error_summary(response.content.decode())
    conversation.refresh_from_db()
    assert conversation.summary == ""


@pytest.mark.parametrize("role", [r for r in ROLES if r != "host"])
@pytest.mark.parametrize("name", ["summary", "action_new", "close"])
def test_only_the_host_hosts(client: Any, world: World, role: str, name: str) -> None:
    conversation = world.conversation("ward")
    login(client, world.user(role))
    data = {"summary": "Mine now", "what": "Take over", "owner_name": "Me", **date_fields(future())}
    response = client.post(url(name, conversation), data)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    conversation.refresh_from_db()
    assert conversation.summary == ""
    assert conversation.closed_at is None
    assert not AgreedAction.objects.exists()


def test_the_host_records_an_action_for_a_participant(client: Any, world: World) -> None:
    conversation = world.conversation("ward")
    councillor = world.user("ward councillor")
    services.post_create(actor=councillor, conversation=conversation, body="I can ask Parks")
    login(client, world.user("host"))
    page = client.get(url("action_new", conversation)).content.decode()
    assert f'value="{councillor.pk}"' in page
    data = {"what": "Ask Parks for a bench", "owner": councillor.pk, **date_fields(future())}
    response = client.post(url("action_new", conversation), data)
    assert response.status_code == 302
    action = AgreedAction.objects.get()
    assert action.owner == councillor
    assert action.due_on == future()
    note = Notification.objects.get(recipient=councillor, kind=Kind.ACTION)
    assert note.conversation == conversation
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Ask Parks for a bench" in page


def test_the_host_records_an_action_for_a_name(client: Any, world: World) -> None:
    conversation = world.conversation("ward")
    login(client, world.user("host"))
    data = {"what": "Measure the spot", "owner_name": "The caretaker", **date_fields(future())}
    client.post(url("action_new", conversation), data)
    action = AgreedAction.objects.get()
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
    client: Any, world: World, data: dict[str, str], message: str
) -> None:
    conversation = world.conversation("ward")
    login(client, world.user("host"))
    response = client.post(url("action_new", conversation), {**data, **date_fields(future())})
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert not AgreedAction.objects.exists()


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
    client: Any, world: World, parts: dict[str, str], message: str
) -> None:
    conversation = world.conversation("ward")
    login(client, world.user("host"))
    data = {"what": "Do it", "owner_name": "Sam", **parts}
    response = client.post(url("action_new", conversation), data)
    assert message in error_summary(response.content.decode())
    assert not AgreedAction.objects.exists()


def test_the_host_or_owner_marks_an_action_done(client: Any, world: World) -> None:
    conversation = world.conversation("ward")
    action = services.agreed_action_create(
        actor=world.user("host"),
        conversation=conversation,
        what="Write to Parks",
        owner=world.user("author"),
        due_on=future(),
    )
    done = url("action_done", conversation, action_pk=action.pk)
    login(client, world.user("resident"))
    assert client.post(done).status_code == 403
    login(client, world.user("author"))
    assert client.post(done).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
    assert client.post(done).status_code == 302  # twice: no harm, no error
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Done" in page


def test_the_host_closes_the_conversation(client: Any, world: World) -> None:
    conversation = world.conversation("initiative")
    login(client, world.user("host"))
    assert client.get(url("close", conversation)).status_code == 200
    assert client.post(url("close", conversation)).status_code == 302
    conversation.refresh_from_db()
    assert conversation.closed_at is not None
    assert client.post(url("close", conversation)).status_code == 403  # already closed
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Closed" in page
