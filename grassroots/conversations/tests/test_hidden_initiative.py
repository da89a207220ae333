"""A conversation hosted by an initiative a moderator has hidden disappears with it: only the
initiative's leads and the moderators still see it (as `initiatives.visibility` says), on its
page, in lists, in Atom feeds, in following and in notifications; restored, it comes back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
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
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Notification
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "member", "lead", "moderator"]
# Who still sees a hidden initiative's conversations (initiatives.visibility).
SEES_HIDDEN = {"lead", "moderator"}
QUESTION = "Where should the compost bins go?"


@dataclass
class Scene:
    initiative: Initiative
    conversation: Conversation
    users: dict[str, Any]

    def user(self, role: str) -> Any:
        return self.users[role]

    def hide(self) -> None:
        Initiative.objects.filter(pk=self.initiative.pk).update(
            hidden_at=timezone.now(),
            hidden_reason="Under review",
            hidden_by=self.users["moderator"],
        )
        self.initiative.refresh_from_db()

    def restore(self) -> None:
        Initiative.objects.filter(pk=self.initiative.pk).update(
            hidden_at=None, hidden_reason="", hidden_by=None
        )
        self.initiative.refresh_from_db()


@pytest.fixture
def scene(db: Any) -> Scene:
    ward = WardFactory(name="Riverside")
    initiative = InitiativeFactory(
        title="Riverside compost", slug="riverside-compost", wards=[ward]
    )
    member = MembershipFactory(initiative=initiative).user
    users = {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(display_name="Rae Resident", ward=ward),
        "member": member,
        "lead": initiative.created_by,
        "moderator": UserFactory(display_name="Meg Moderator", is_moderator=True),
    }
    conversation = services.conversation_start(
        actor=initiative.created_by, initiative=initiative, question=QUESTION
    )
    return Scene(initiative, conversation, users)


def as_(client: Client, scene: Scene, role: str) -> Client:
    user = scene.user(role)
    if user.is_authenticated:
        client.force_login(user)
    return client


def page_status(client: Client, scene: Scene, role: str) -> int:
    response = as_(client, scene, role).get(scene.conversation.get_absolute_url())
    assert response.status_code < 500
    return int(response.status_code)


def in_list(client: Client, scene: Scene, role: str) -> bool:
    response = as_(client, scene, role).get(reverse("conversations:list"))
    assert response.status_code == 200
    return QUESTION in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_page_and_the_list_follow_the_initiative(
    client: Client, scene: Scene, role: str
) -> None:
    assert page_status(client, scene, role) == 200
    assert in_list(client, scene, role)
    scene.hide()
    seen = role in SEES_HIDDEN
    assert page_status(client, scene, role) == (200 if seen else 404)
    assert in_list(client, scene, role) is seen
    user = scene.user(role)
    assert can_view(user, scene.conversation) is seen
    assert visible_conversations(user).filter(pk=scene.conversation.pk).exists() is seen
    scene.restore()
    assert page_status(client, scene, role) == 200
    assert in_list(client, scene, role)


def test_the_initiatives_conversation_list_is_empty_for_outsiders(
    client: Client, scene: Scene
) -> None:
    scene.hide()
    url = reverse("conversations:list") + "?initiative=riverside-compost"
    assert QUESTION not in as_(client, scene, "member").get(url).content.decode()
    assert QUESTION in as_(Client(), scene, "lead").get(url).content.decode()


def test_the_atom_feeds_leave_it_out_whoever_asks(client: Client, scene: Scene) -> None:
    ward = scene.initiative.wards.get()
    ward_feed = reverse("following:ward_feed", args=[ward.council.slug, ward.slug])
    initiative_feed = reverse("following:initiative_feed", args=[scene.initiative.slug])
    assert QUESTION in client.get(ward_feed).content.decode()
    assert QUESTION in client.get(initiative_feed).content.decode()
    scene.hide()
    for role in ROLES:
        viewer = as_(Client(), scene, role)
        assert QUESTION not in viewer.get(ward_feed).content.decode()
        assert viewer.get(initiative_feed).status_code == 404
    scene.restore()
    assert QUESTION in client.get(ward_feed).content.decode()
    assert QUESTION in client.get(initiative_feed).content.decode()


def test_followers_lose_it_while_hidden_and_get_it_back(client: Client, scene: Scene) -> None:
    resident = scene.user("resident")
    follow_start(user=resident, target=scene.conversation)
    as_(client, scene, "resident")
    assert QUESTION in client.get(reverse("following:list")).content.decode()
    scene.hide()
    assert QUESTION not in client.get(reverse("following:list")).content.decode()
    other = UserFactory()
    client.force_login(other)
    follow = reverse("following:follow", args=["conversation", scene.conversation.pk])
    assert client.post(follow).status_code == 404
    assert not Follow.objects.filter(user=other).exists()
    scene.restore()
    client.force_login(resident)
    assert QUESTION in client.get(reverse("following:list")).content.decode()


def test_replies_while_hidden_reach_only_those_who_still_see_it(scene: Scene) -> None:
    conversation = scene.conversation
    for role in ("resident", "member", "moderator"):
        services.post_create(actor=scene.user(role), conversation=conversation, body="Hello")
    scene.hide()
    conversation.refresh_from_db()
    Notification.objects.all().delete()
    services.post_create(actor=scene.user("lead"), conversation=conversation, body="Still here")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {scene.user("moderator").pk}
    everyone = [scene.user(role).pk for role in ROLES if role != "anonymous"]
    expected = {scene.user(role).pk for role in SEES_HIDDEN}
    assert viewers(conversation, everyone) == expected


def test_a_hidden_conversation_of_a_visible_initiative_stays_out_of_lists(
    client: Client, scene: Scene
) -> None:
    Conversation.objects.filter(pk=scene.conversation.pk).update(hidden_at=timezone.now())
    for role in ROLES:
        assert not in_list(Client(), scene, role)
    # Its page is kept for its starter (the lead here) and the moderators.
    assert page_status(Client(), scene, "resident") == 404
    assert page_status(Client(), scene, "lead") == 200
    assert page_status(Client(), scene, "moderator") == 200
