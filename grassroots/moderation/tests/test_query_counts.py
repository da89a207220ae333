"""Moderation pages cost a fixed number of queries, however many reports and concerns."""

from __future__ import annotations

from typing import Any

from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation
from grassroots.moderation.tests.factories import login, make_post, report_as
from grassroots.testing.worlds import Town


def test_the_item_page_and_concern_list_are_bounded(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    for _ in range(15):
        report_as(UserFactory(), town.post(), "spam", "Again and again")
    for n in range(15):
        conversation = Conversation.objects.create(ward=town.ward, question=f"Question {n}")
        post = make_post(conversation, UserFactory(), f"Reply {n}")
        report_as(UserFactory(), post, "safeguarding", "Worried")
    login(client, town, "moderator")
    with django_assert_max_num_queries(12):
        page = client.get(f"/moderation/item/reply/{town.post().pk}/")
    assert page.content.decode().count("Again and again") == 15
    login(client, town, "safeguarding contact")
    with django_assert_max_num_queries(10):
        listing = client.get("/moderation/safeguarding/")
    assert listing.content.decode().count("/moderation/safeguarding/") >= 15
    reporter = UserFactory()
    for n in range(10):
        conversation = Conversation.objects.create(ward=town.ward, question=f"More {n}")
        report_as(reporter, make_post(conversation, UserFactory(), f"R {n}"), "abuse")
    client.force_login(reporter)
    with django_assert_max_num_queries(10):
        mine = client.get("/moderation/reports/mine/")
    assert mine.content.decode().count("Abuse, harassment or hate") == 10
