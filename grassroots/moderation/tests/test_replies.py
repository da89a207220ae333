"""Moderation slotted into the conversations reply page: held first replies and the rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation, Post
from grassroots.moderation.models import ModerationSettings
from grassroots.moderation.tests.factories import login
from grassroots.testing.worlds import Town


def reply(client: Client, conversation: Conversation, body: str) -> Any:
    return client.post(f"/conversations/{conversation.pk}/reply/", {"body": body})


def test_a_new_accounts_first_reply_waits_for_a_moderator_then_is_approved(
    client: Client, town: Town
) -> None:
    ModerationSettings.objects.update_or_create(pk=1, defaults={"hold_first_posts": 1})
    newcomer = UserFactory(display_name="New Neighbour")
    replies_before = town.conversation().reply_count  # the author's own reply
    client.force_login(newcomer)
    response = reply(client, town.conversation(), "Hello from a new neighbour")
    assert response.status_code == 302
    held = Post.objects.get(body="Hello from a new neighbour")
    assert held.held_for_review
    followed = client.get(response["Location"]).content.decode()
    assert "Your reply will be shown once a moderator has checked it" in followed
    # Others do not see it yet.
    login(client, town, "resident")
    page = client.get(f"/conversations/{town.conversation().pk}/").content.decode()
    assert "Hello from a new neighbour" not in page
    # The moderator approves it from the queue; the second reply is not held.
    login(client, town, "moderator")
    assert "Hello from a new neighbour" in client.get("/moderation/").content.decode()
    assert client.post(f"/moderation/held/{held.pk}/approve/").status_code == 302
    held.refresh_from_db()
    assert not held.held_for_review
    assert town.conversation().reply_count == replies_before + 1
    login(client, town, "resident")
    page = client.get(f"/conversations/{town.conversation().pk}/").content.decode()
    assert "Hello from a new neighbour" in page
    client.force_login(newcomer)
    reply(client, town.conversation(), "My second reply")
    assert not Post.objects.get(body="My second reply").held_for_review


@pytest.mark.usefixtures("held_clock")
def test_replying_too_often_gets_a_429_and_saves_nothing(
    client: Client, town: Town, settings: Any
) -> None:
    settings.GRASSROOTS_RATE_LIMITS = {"post": ["2/h"]}
    login(client, town, "resident")
    assert reply(client, town.conversation(), "One").status_code == 302
    assert reply(client, town.conversation(), "Two").status_code == 302
    third = reply(client, town.conversation(), "Three")
    assert third.status_code == 429
    assert "Your reply has not been posted" in third.content.decode()
    assert not Post.objects.filter(body="Three").exists()


def test_replies_and_conversations_carry_a_report_link(client: Client, town: Town) -> None:
    login(client, town, "resident")
    page = client.get(f"/conversations/{town.conversation().pk}/").content.decode()
    assert f'href="/moderation/report/reply/{town.post().pk}/"' in page
    assert f'href="/moderation/report/conversation/{town.conversation().pk}/"' in page
    event = client.get(f"/events/{town.events['ward'].pk}/").content.decode()
    assert f'href="/moderation/report/event/{town.events["ward"].pk}/"' in event
    client.logout()
    anonymous = client.get(f"/conversations/{town.conversation().pk}/").content.decode()
    assert "/moderation/report/" not in anonymous
