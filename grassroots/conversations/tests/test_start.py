"""Starting a conversation: who may, what the host chooses, bad input, followers told."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Audience, Conversation
from grassroots.following.models import Follow
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

from .conftest import error_summary, login

pytestmark = pytest.mark.django_db


def url(kind: str, key: str) -> str:
    return reverse("conversations:start", kwargs={"kind": kind, "key": key})


def keys(world: Town) -> dict[str, str]:
    return {
        "ward": str(world.ward.pk),
        "initiative": world.initiative.slug,
        "group": world.group.slug,
    }


@pytest.mark.parametrize("kind", ["ward", "initiative", "group"])
def test_the_host_starts_a_conversation(client: Any, world: Town, kind: str) -> None:
    login(client, world.person("host"))
    assert client.get(url(kind, keys(world)[kind])).status_code == 200
    data = {"question": "Shall we plant bulbs?", "description": "In October.", "audience": "area"}
    response = client.post(url(kind, keys(world)[kind]), data)
    conversation = Conversation.objects.get(question="Shall we plant bulbs?")
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert conversation.audience == Audience.AREA
    assert conversation.started_by == world.person("host")
    assert getattr(conversation, kind) is not None


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider", 403), ("member", 403), ("ward councillor", 403), ("moderator", 403)],
)
def test_others_may_not_start_one_for_a_group(
    client: Any, world: Town, role: str, status: int
) -> None:
    login(client, world.user(role))
    before = Conversation.objects.count()
    response = client.post(
        url("group", world.group.slug), {"question": "Hi", "audience": "everyone"}
    )
    assert response.status_code == status
    assert Conversation.objects.count() == before


def test_anonymous_is_asked_to_sign_in(client: Any, world: Town) -> None:
    response = client.get(url("ward", str(world.ward.pk)))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_ward_councillor_starts_one_in_their_ward(client: Any, world: Town) -> None:
    login(client, world.person("ward councillor"))
    response = client.post(
        url("ward", str(world.ward.pk)), {"question": "Bins?", "audience": "everyone"}
    )
    assert response.status_code == 302
    login(client, world.person("other councillor"))
    response = client.post(
        url("ward", str(world.ward.pk)), {"question": "Bins 2?", "audience": "everyone"}
    )
    assert response.status_code == 403


def test_a_ward_conversation_cannot_be_members_only_or_safeguarded(
    client: Any, world: Town
) -> None:
    login(client, world.person("resident"))
    page = client.get(url("ward", str(world.ward.pk))).content.decode()
    assert 'value="members"' not in page
    assert "is_safeguarded" not in page
    data = {"question": "Secret?", "audience": "members", "is_safeguarded": "on"}
    response = client.post(url("ward", str(world.ward.pk)), data)
    assert response.status_code == 200
    assert "Choose who can reply" in error_summary(response.content.decode())
    assert not Conversation.objects.filter(question="Secret?").exists()


def test_a_safeguarded_initiative_forces_safeguarding(client: Any, world: Town) -> None:
    Initiative.objects.filter(pk=world.initiative.pk).update(visibility=Visibility.SAFEGUARDED)
    login(client, world.person("host"))
    page = client.get(url("initiative", world.initiative.slug)).content.decode()
    assert "is_safeguarded" not in page
    client.post(url("initiative", world.initiative.slug), {"question": "Q?", "audience": "members"})
    assert Conversation.objects.get(question="Q?").is_safeguarded


def test_a_group_host_may_choose_safeguarding(client: Any, world: Town) -> None:
    login(client, world.person("host"))
    data = {"question": "Private?", "audience": "members", "is_safeguarded": "on"}
    client.post(url("group", world.group.slug), data)
    assert Conversation.objects.get(question="Private?").is_safeguarded


def test_an_outsider_cannot_find_a_safeguarded_initiative_to_start_in(
    client: Any, world: Town
) -> None:
    Initiative.objects.filter(pk=world.initiative.pk).update(visibility=Visibility.SAFEGUARDED)
    login(client, world.person("outsider"))
    assert client.get(url("initiative", world.initiative.slug)).status_code == 404
    assert client.get(url("initiative", "no-such-thing")).status_code == 404
    assert client.get(url("planet", "earth")).status_code == 404
    assert client.get(url("ward", "999999")).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"question": "", "audience": "everyone"}, "Enter the question"),
        ({"question": "   \n ", "audience": "everyone"}, "Enter the question"),
        ({"question": "x" * 201, "audience": "everyone"}, "200 characters or fewer"),
        ({"question": "Q", "description": "d" * 5001, "audience": "everyone"}, "5,000"),
        ({"question": "Q", "audience": ""}, "Choose who can reply"),
        ({"question": "Q", "audience": "martians"}, "Choose who can reply"),
        ({"question": "Bad\x07bell", "audience": "everyone"}, "control characters"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    client: Any, world: Town, data: dict[str, str], message: str
) -> None:
    login(client, world.person("host"))
    before = Conversation.objects.count()
    response = client.post(url("group", world.group.slug), data)
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    assert Conversation.objects.count() == before


def test_html_in_the_question_is_shown_as_text(client: Any, world: Town) -> None:
    login(client, world.person("host"))
    client.post(
        url("group", world.group.slug),
        {"question": "<script>alert(1)</script>", "audience": "everyone"},
    )
    conversation = Conversation.objects.get(question="<script>alert(1)</script>")
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_followers_of_the_host_hear_of_a_new_conversation(client: Any, world: Town) -> None:
    follower = UserFactory()
    Follow.objects.create(user=follower, group=world.group)
    login(client, world.person("host"))
    client.post(url("group", world.group.slug), {"question": "Picnic?", "audience": "everyone"})
    note = Notification.objects.get(recipient=follower)
    assert note.kind == Kind.FOLLOWING
    assert "Picnic?" in note.text
    assert note.conversation == Conversation.objects.get(question="Picnic?")


def test_a_safeguarded_conversation_is_never_announced_to_outside_followers(
    client: Any, world: Town
) -> None:
    outsider = UserFactory()
    Follow.objects.create(user=outsider, group=world.group)
    Follow.objects.create(user=world.person("member"), group=world.group)
    Notification.objects.all().delete()  # the member was told of joining, through the services
    login(client, world.person("host"))
    data = {"question": "Support circle", "audience": "members", "is_safeguarded": "on"}
    client.post(url("group", world.group.slug), data)
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Nor to a member of the group the organisers have not let in (yet).
    assert not Notification.objects.filter(recipient=world.person("member")).exists()


@pytest.mark.usefixtures("held_clock")
def test_starting_conversations_in_a_burst_is_refused(
    client: Any, world: Town, settings: Any
) -> None:
    settings.GRASSROOTS_RATE_LIMITS = {"conversation": ["2/m"]}
    login(client, world.person("host"))
    target = url("group", world.group.slug)
    for n in range(2):
        data = {"question": f"Question {n}?", "description": "", "audience": "area"}
        assert client.post(target, data).status_code == 302
    data = {"question": "One more?", "description": "", "audience": "area"}
    response = client.post(target, data)
    assert response.status_code == 429
    assert "Your conversation has not been started." in response.content.decode()
    assert not Conversation.objects.filter(question="One more?").exists()
    assert client.get(target).status_code == 200  # reading the form is never limited
