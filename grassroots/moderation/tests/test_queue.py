"""The moderators' queue: reported items oldest first, grouped, with held replies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation
from grassroots.moderation.tests.factories import MODERATION_CAST, login, make_post, report_as
from grassroots.testing.worlds import Town

CAN_SEE_QUEUE = {"moderator", "site admin"}


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_who_may_see_the_queue(client: Client, town: Town, role: str) -> None:
    user = login(client, town, role)
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


def test_items_are_grouped_with_their_reports_oldest_first(client: Client, town: Town) -> None:
    report_as(town.person("resident"), town.events["ward"], "spam")
    report_as(town.person("resident"), town.post(), "abuse")
    report_as(town.person("ward councillor"), town.events["ward"], "misinformation")
    login(client, town, "moderator")
    body = client.get("/moderation/").content.decode()
    assert "2 reported items" in body
    event_at = body.index("Event: Litter pick")
    reply_at = body.index(f"Reply: Reply by {town.person('author').display_name}")
    assert event_at < reply_at  # the event was reported first
    row = body[event_at : body.index("</tr>", event_at)]
    assert "Spam or advertising, False or misleading information" in row
    assert ">2<" in row.replace(" ", "")


def test_the_queue_costs_a_fixed_number_of_queries(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    conversations = [
        Conversation.objects.create(ward=town.ward, question=f"Question {n}") for n in range(10)
    ]
    reporters = [UserFactory() for _ in range(3)]
    for n, conversation in enumerate(conversations):
        post = make_post(conversation, UserFactory(), f"Reply {n}")
        for reporter in reporters:
            report_as(reporter, post, "spam")
        report_as(reporters[0], conversation, "abuse")
        make_post(conversation, UserFactory(), f"Held {n}", held_for_review=True)
    login(client, town, "moderator")
    with django_assert_max_num_queries(12):
        response = client.get("/moderation/")
    body = response.content.decode()
    assert "20 reported items" in body
    assert "10 replies waiting for approval" in body


def test_hidden_decisions_leave_the_queue(client: Client, town: Town) -> None:
    report_as(town.person("resident"), town.post(), "abuse")
    login(client, town, "moderator")
    client.post(
        f"/moderation/item/reply/{town.post().pk}/hide/", {"hide-reason": "Personal attack"}
    )
    assert "Nothing has been reported." in client.get("/moderation/").content.decode()
