"""The host pins a summary and closes; only the host hosts (agreed actions too: the rest of
their tests are in grassroots/actions/tests/test_conversation_actions.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.conversations.models import Conversation
from grassroots.testing.worlds import Town

from .conftest import CAST, error_summary, login

pytestmark = pytest.mark.django_db


def url(name: str, conversation: Conversation, **extra: Any) -> str:
    # Recording agreed actions moved to the actions app, at the same address.
    namespace = "actions:conversation_" if name.startswith("action_") else "conversations:"
    return reverse(f"{namespace}{name}", kwargs={"pk": conversation.pk, **extra})


def future(days: int = 14) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def date_fields(day: datetime.date) -> dict[str, str]:
    return {"due_on_0": str(day.day), "due_on_1": str(day.month), "due_on_2": str(day.year)}


def test_the_host_pins_a_summary(client: Any, world: Town) -> None:
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


def test_a_too_long_summary_is_refused(client: Any, world: Town) -> None:
    conversation = world.conversation("group")
    login(client, world.user("host"))
    response = client.post(url("summary", conversation), {"summary": "s" * 5001})
    assert "5,000 characters" in error_summary(response.content.decode())
    conversation.refresh_from_db()
    assert conversation.summary == ""


@pytest.mark.parametrize("role", [r for r in CAST if r != "host"])
@pytest.mark.parametrize("name", ["summary", "action_new", "close"])
def test_only_the_host_hosts(client: Any, world: Town, role: str, name: str) -> None:
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
    assert not conversation.action_items.exists()


def test_the_host_closes_the_conversation(client: Any, world: Town) -> None:
    conversation = world.conversation("initiative")
    login(client, world.user("host"))
    assert client.get(url("close", conversation)).status_code == 200
    assert client.post(url("close", conversation)).status_code == 302
    conversation.refresh_from_db()
    assert conversation.closed_at is not None
    assert client.post(url("close", conversation)).status_code == 403  # already closed
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Closed" in page
