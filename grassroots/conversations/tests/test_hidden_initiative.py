"""A conversation hosted by an initiative a moderator has hidden disappears with it: only the
initiative's leads and the moderators still see it (as `initiatives.visibility` says), on its
page, in lists, in Atom feeds, in following and in notifications; restored, it comes back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import services
from grassroots.conversations.models import Conversation
from grassroots.conversations.visibility import can_view, viewers, visible_conversations
from grassroots.following.models import Follow
from grassroots.following.services import follow_start
from grassroots.initiatives.models import Initiative
from grassroots.notifications.models import Notification
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import Town, build_town, pick_town

pytestmark = pytest.mark.django_db

CAST = pick_town("anonymous", "resident", "member", "lead", "moderator")
# Who still sees a hidden initiative's conversations (initiatives.visibility).
SEES_HIDDEN = {"lead", "moderator"}
QUESTION = "Where should the compost bins go?"


def build_hidden_town() -> Town:
    """The town, with one conversation of its initiative "Riverside garden", started by the lead."""
    town = build_town(roles=CAST)
    town.conversations["initiative"] = services.conversation_start(
        actor=town.lead, initiative=town.initiative, question=QUESTION
    )
    return town


# Built once per module; each test gets its own copy (see grassroots/testing/snapshots.py).
town_snapshot, town = shared_world(build_hidden_town, name="town")


def hide(town: Town) -> None:
    Initiative.objects.filter(pk=town.initiative.pk).update(
        hidden_at=timezone.now(),
        hidden_reason="Under review",
        hidden_by=town.person("moderator"),
    )
    town.initiative.refresh_from_db()


def restore(town: Town) -> None:
    Initiative.objects.filter(pk=town.initiative.pk).update(
        hidden_at=None, hidden_reason="", hidden_by=None
    )
    town.initiative.refresh_from_db()


def as_(client: Client, town: Town, role: str) -> Client:
    user = town.user(role)
    if user.is_authenticated:
        client.force_login(user)
    return client


def page_status(client: Client, town: Town, role: str) -> int:
    response = as_(client, town, role).get(town.conversation("initiative").get_absolute_url())
    assert response.status_code < 500
    return int(response.status_code)


def in_list(client: Client, town: Town, role: str) -> bool:
    response = as_(client, town, role).get(reverse("conversations:list"))
    assert response.status_code == 200
    return QUESTION in response.content.decode()


@pytest.mark.parametrize("role", CAST)
def test_the_page_and_the_list_follow_the_initiative(client: Client, town: Town, role: str) -> None:
    assert page_status(client, town, role) == 200
    assert in_list(client, town, role)
    hide(town)
    seen = role in SEES_HIDDEN
    assert page_status(client, town, role) == (200 if seen else 404)
    assert in_list(client, town, role) is seen
    user, conversation = town.user(role), town.conversation("initiative")
    assert can_view(user, conversation) is seen
    assert visible_conversations(user).filter(pk=conversation.pk).exists() is seen
    restore(town)
    assert page_status(client, town, role) == 200
    assert in_list(client, town, role)


def test_the_initiatives_conversation_list_is_empty_for_outsiders(
    client: Client, town: Town
) -> None:
    hide(town)
    url = reverse("conversations:list") + f"?initiative={town.initiative.slug}"
    assert QUESTION not in as_(client, town, "member").get(url).content.decode()
    assert QUESTION in as_(Client(), town, "lead").get(url).content.decode()


def test_the_atom_feeds_leave_it_out_whoever_asks(client: Client, town: Town) -> None:
    ward = town.initiative.wards.get()
    ward_feed = reverse("following:ward_feed", args=[ward.council.slug, ward.slug])
    initiative_feed = reverse("following:initiative_feed", args=[town.initiative.slug])
    assert QUESTION in client.get(ward_feed).content.decode()
    assert QUESTION in client.get(initiative_feed).content.decode()
    hide(town)
    for role in CAST:
        viewer = as_(Client(), town, role)
        assert QUESTION not in viewer.get(ward_feed).content.decode()
        assert viewer.get(initiative_feed).status_code == 404
    restore(town)
    assert QUESTION in client.get(ward_feed).content.decode()
    assert QUESTION in client.get(initiative_feed).content.decode()


def test_followers_lose_it_while_hidden_and_get_it_back(client: Client, town: Town) -> None:
    resident = town.person("resident")
    follow_start(user=resident, target=town.conversation("initiative"))
    as_(client, town, "resident")
    assert QUESTION in client.get(reverse("following:list")).content.decode()
    hide(town)
    assert QUESTION not in client.get(reverse("following:list")).content.decode()
    other = UserFactory()
    client.force_login(other)
    follow = reverse("following:follow", args=["conversation", town.conversation("initiative").pk])
    assert client.post(follow).status_code == 404
    assert not Follow.objects.filter(user=other).exists()
    restore(town)
    client.force_login(resident)
    assert QUESTION in client.get(reverse("following:list")).content.decode()


def test_replies_while_hidden_reach_only_those_who_still_see_it(town: Town) -> None:
    conversation = town.conversation("initiative")
    for role in ("resident", "member", "moderator"):
        services.post_create(actor=town.person(role), conversation=conversation, body="Hello")
    hide(town)
    conversation.refresh_from_db()
    Notification.objects.all().delete()
    services.post_create(actor=town.lead, conversation=conversation, body="Still here")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {town.person("moderator").pk}
    everyone = [town.person(role).pk for role in CAST if role != "anonymous"]
    expected = {town.person(role).pk for role in SEES_HIDDEN}
    assert viewers(conversation, everyone) == expected


def test_a_hidden_conversation_of_a_visible_initiative_stays_out_of_lists(
    client: Client, town: Town
) -> None:
    Conversation.objects.filter(pk=town.conversation("initiative").pk).update(
        hidden_at=timezone.now()
    )
    for role in CAST:
        assert not in_list(Client(), town, role)
    # Its page is kept for its starter (the lead here) and the moderators.
    assert page_status(Client(), town, "resident") == 404
    assert page_status(Client(), town, "lead") == 200
    assert page_status(Client(), town, "moderator") == 200
