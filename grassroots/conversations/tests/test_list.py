"""/conversations/: filters by council and ward, open or closed, in a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.conversations.models import Conversation
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import CouncilFactory, WardFactory
from grassroots.testing.worlds import Town

from .conftest import login
from .factories import ConversationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("conversations:list")


def questions(client: Any, **params: str) -> str:
    return str(client.get(LIST, params).content.decode())


def test_the_list_shows_every_kind_of_host(client: Any, world: Town) -> None:
    page = questions(client)
    for kind in ("ward", "initiative", "group"):
        assert f"What next for the {kind}?" in page
    assert "Riverside ward" in page
    assert "Friends of Riverside park" in page


def test_a_ward_filter_takes_in_its_initiatives_and_groups(client: Any, world: Town) -> None:
    elsewhere = ConversationFactory(ward=world.other_ward, question="Hilltop only")
    council = world.ward.council
    page = questions(client, council=council.slug, ward=world.ward.slug)
    assert "What next for the initiative?" in page
    assert "What next for the group?" in page
    assert "What next for the ward?" in page
    assert elsewhere.question not in page
    assert "Hilltop only" in questions(client, council=council.slug)
    other = CouncilFactory()
    assert "What next for the ward?" not in questions(client, council=other.slug)


def test_open_and_closed(client: Any, world: Town) -> None:
    Conversation.objects.filter(pk=world.conversations["ward"].pk).update(closed_at=timezone.now())
    assert "What next for the ward?" not in questions(client, status="open")
    page = questions(client, status="closed")
    assert "What next for the ward?" in page
    assert "What next for the group?" not in page


def test_nonsense_filters_are_ignored_not_errors(client: Any, world: Town) -> None:
    for params in ({"council": "nowhere"}, {"ward": "x"}, {"status": "maybe"}, {"page": "9999"}):
        assert client.get(LIST, params).status_code == 200


def test_hidden_conversations_are_left_out(client: Any, world: Town) -> None:
    Conversation.objects.filter(pk=world.conversations["ward"].pk).update(hidden_at=timezone.now())
    login(client, world.user("moderator"))
    assert "What next for the ward?" not in questions(client)


def test_the_list_costs_a_fixed_number_of_queries(
    client: Any, db: Any, django_assert_max_num_queries: Any
) -> None:
    council = CouncilFactory()
    wards = [WardFactory(council=council) for _ in range(3)]
    for n in range(20):
        ConversationFactory(ward=wards[n % 3])
        ConversationFactory(ward=None, initiative=InitiativeFactory(wards=[wards[n % 3]]))
        ConversationFactory(ward=None, group=GroupFactory(council=council))
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"council": council.slug, "ward": wards[0].slug})
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.content.decode().count('class="govuk-link govuk-!-font-weight-bold"') == 20
