"""The moderators' queue: reported items oldest first, grouped, with held replies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation
from grassroots.moderation.tests.factories import ROLES, World, login, make_post, report_as

CAN_SEE_QUEUE = {"moderator", "site admin"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_the_queue(client: Client, world: World, role: str) -> None:
    user = login(client, world, role)
    response = client.get("/moderation/")
    if not user.is_authenticated:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role == "site admin without MFA":
        assert response.status_code == 302
        assert "/accounts/2fa/" in response["Location"]
    elif role in CAN_SEE_QUEUE:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_items_are_grouped_with_their_reports_oldest_first(client: Client, world: World) -> None:
    report_as(world.user("resident"), world.event, "spam")
    report_as(world.user("resident"), world.post, "abuse")
    report_as(world.user("councillor"), world.event, "misinformation")
    login(client, world, "moderator")
    body = client.get("/moderation/").content.decode()
    assert "2 reported items" in body
    event_at = body.index("Event: Litter pick")
    reply_at = body.index("Reply: Reply by Alex Author")
    assert event_at < reply_at  # the event was reported first
    row = body[event_at : body.index("</tr>", event_at)]
    assert "Spam or advertising, False or misleading information" in row
    assert ">2<" in row.replace(" ", "")


def test_the_queue_costs_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    conversations = [
        Conversation.objects.create(ward=world.ward, question=f"Question {n}") for n in range(10)
    ]
    reporters = [UserFactory() for _ in range(3)]
    for n, conversation in enumerate(conversations):
        post = make_post(conversation, UserFactory(), f"Reply {n}")
        for reporter in reporters:
            report_as(reporter, post, "spam")
        report_as(reporters[0], conversation, "abuse")
        make_post(conversation, UserFactory(), f"Held {n}", held_for_review=True)
    login(client, world, "moderator")
    with django_assert_max_num_queries(12):
        response = client.get("/moderation/")
    body = response.content.decode()
    assert "20 reported items" in body
    assert "10 replies waiting for approval" in body


def test_hidden_decisions_leave_the_queue(client: Client, world: World) -> None:
    report_as(world.user("resident"), world.post, "abuse")
    login(client, world, "moderator")
    client.post(f"/moderation/item/reply/{world.post.pk}/hide/", {"hide-reason": "Personal attack"})
    assert "Nothing has been reported." in client.get("/moderation/").content.decode()
