"""What you follow: every followed thing you can still see, with an unfollow button."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.following.services import follow_start
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Membership
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

URL = "/following/"


def test_anonymous_people_are_asked_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_lists_what_you_follow_with_unfollow_buttons(client: Client, world: Town) -> None:
    for name in ["ward", "initiative", "group", "conversation"]:
        follow_start(user=world.person("resident"), target=world.target(name))
    follow_start(
        user=world.person("group_member"), target=world.conversation("group_conversation")
    )  # somebody else's
    client.force_login(world.person("resident"))
    html = client.get(URL).content.decode()
    for heading in ["Initiatives", "Wards", "Groups", "Conversations"]:
        assert f">{heading}</h2>" in html
    assert "Riverside garden" in html
    assert "Friends of Riverside park" in html
    assert "Where should the bench go?" in html
    assert "What shall we plant?" not in html
    assert f'action="/following/initiative/{world.initiative.pk}/unfollow"' in html
    assert f'action="/following/ward/{world.ward.pk}/unfollow"' in html
    assert html.count('type="submit"') == 4


def test_it_says_so_when_you_follow_nothing(client: Client, world: Town) -> None:
    client.force_login(world.person("resident"))
    assert "You do not follow anything yet" in client.get(URL).content.decode()


def test_a_safeguarded_initiative_you_left_drops_out_of_the_list(
    client: Client, world: Town
) -> None:
    member = world.person("initiative_member")
    follow_start(user=member, target=world.safeguarded)
    client.force_login(member)
    assert "Quiet support circle" in client.get(URL).content.decode()
    Membership.objects.filter(user=member).update(status="left")
    assert "Quiet support circle" not in client.get(URL).content.decode()


def test_the_list_runs_a_bounded_number_of_queries(
    client: Client, world: Town, django_assert_max_num_queries: Any
) -> None:
    user = world.person("resident")
    for _ in range(5):
        follow_start(user=user, target=WardFactory())
        follow_start(user=user, target=InitiativeFactory())
        follow_start(user=user, target=GroupFactory())
        follow_start(user=user, target=ConversationFactory())
    client.force_login(user)
    # session, user, MFA role check, councillor look-up, follows, unread count
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert response.content.decode().count('type="submit"') == 20
