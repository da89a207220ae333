"""A conversation hosted by an archived group is read-only: readable as before, but no new
replies, agreements, edits, pinned summaries, agreed actions or closing. Agreed actions already
recorded can still be marked done. Unarchiving opens it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from grassroots.conversations import rules, services
from grassroots.conversations.models import Conversation, Post, Reaction
from grassroots.groups import services as group_services
from grassroots.groups.models import Group
from grassroots.testing.worlds import Town

from .conftest import HOSTS, login

pytestmark = pytest.mark.django_db

BANNER = (
    "Friends of Riverside park is archived. You can still read this conversation, "
    "but it is closed to new replies."
)
REFUSAL = "Friends of Riverside park is archived, so this conversation is closed to new replies."
MESSAGE = "Friends of Riverside park is archived: its conversations can be read but not added to."


def url(name: str, conversation: Conversation, **extra: Any) -> str:
    # Recording agreed actions moved to the actions app, at the same address.
    namespace = "actions:conversation_" if name.startswith("action_") else "conversations:"
    return reverse(f"{namespace}{name}", kwargs={"pk": conversation.pk, **extra})


def _archive(world: Town) -> Group:
    group_services.group_archive(group=world.group, actor=world.person("host"))
    world.group.refresh_from_db()
    return world.group


def _user(world: Town, role: str) -> Any:
    return world.user(role)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The rules, before and after archiving -------------------------------------------------------


@pytest.mark.parametrize("archived", [False, True])
def test_taking_part_stops_when_the_group_is_archived(world: Town, archived: bool) -> None:
    if archived:
        _archive(world)
    conversation = world.conversation("group")
    post = world.post("group", "author")
    for role in ("host", "member", "resident", "other author"):
        user = _user(world, role)
        assert user.has_perm("conversations.see", conversation), role
        assert user.has_perm("conversations.reply", conversation) is not archived, role
        assert user.has_perm("conversations.agree", post) is not archived, role
    host = _user(world, "host")
    for perm in ("pin_summary", "record_action", "close"):
        assert host.has_perm(f"conversations.{perm}", conversation) is not archived, perm
    author = _user(world, "author")
    assert author.has_perm("conversations.edit_post", post) is not archived
    assert author.has_perm("conversations.remove_post", post)  # taking your words back stays
    for role in ("resident", "moderator", "site admin"):
        user = _user(world, role)
        for perm in ("pin_summary", "record_action", "close"):
            assert not user.has_perm(f"conversations.{perm}", conversation), (role, perm)


def test_conversations_of_other_hosts_are_untouched(world: Town) -> None:
    _archive(world)
    for kind in HOSTS:
        if kind == "group":
            continue
        conversation = world.conversation(kind)
        assert _user(world, "host").has_perm("conversations.pin_summary", conversation)
        assert _user(world, "resident").has_perm("conversations.reply", conversation)
        assert rules.reply_refusal(_user(world, "resident"), conversation) is None


def test_the_refusal_says_the_group_is_archived(world: Town) -> None:
    _archive(world)
    conversation = world.conversation("group")
    for role in ("host", "member", "outsider"):
        assert rules.reply_refusal(_user(world, role), conversation) == REFUSAL
    assert rules.reply_refusal(_user(world, "anonymous"), conversation) == "Sign in to reply."


def test_unarchiving_opens_it_again(world: Town) -> None:
    _archive(world)
    group_services.group_unarchive(group=world.group, actor=world.person("host"))
    conversation = world.conversation("group")
    assert _user(world, "member").has_perm("conversations.reply", conversation)
    assert _user(world, "host").has_perm("conversations.pin_summary", conversation)


# --- The page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "resident", "member", "host"])
def test_the_page_stays_readable_and_says_it_is_closed(client: Any, world: Town, role: str) -> None:
    conversation = world.conversation("group")
    services.summary_pin(actor=world.person("host"), conversation=conversation, summary="Tidy up")
    _archive(world)
    login(client, world.user(role))
    response = client.get(conversation.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert BANNER in body
    assert "author says hello" in body
    assert "Tidy up" in body
    assert ">Closed<" in body
    assert "Post your reply" not in body
    assert url("summary", conversation) not in body
    assert url("action_new", conversation) not in body
    assert url("close", conversation) not in body
    if role != "anonymous":
        assert REFUSAL in body


def test_the_page_of_a_live_group_has_no_banner(client: Any, world: Town) -> None:
    login(client, world.person("member"))
    body = client.get(world.conversation("group").get_absolute_url()).content.decode()
    assert "is archived" not in body
    assert "Post your reply" in body


# --- Each action, refused with a clear answer ----------------------------------------------------


def test_a_reply_is_refused_with_the_reason(client: Any, world: Town) -> None:
    conversation = world.conversation("group")
    _archive(world)
    login(client, world.person("member"))
    before = Post.objects.count()
    for response in (
        client.get(url("reply", conversation)),
        client.post(url("reply", conversation), {"body": "One more thing"}),
    ):
        assert response.status_code == 403
        assert REFUSAL in response.content.decode()
    assert Post.objects.count() == before


def test_agreeing_is_refused_with_a_message(client: Any, world: Town) -> None:
    conversation = world.conversation("group")
    post = world.post("group", "author")
    _archive(world)
    login(client, world.person("member"))
    response = client.post(url("agree", conversation, post_pk=post.pk))
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert MESSAGE in _messages(response)
    assert not Reaction.objects.filter(post=post).exists()


def test_the_host_pins_records_and_closes_nothing_new(client: Any, world: Town) -> None:
    conversation = world.conversation("group")
    _archive(world)
    login(client, world.person("host"))
    posts = [
        ("summary", {"summary": "Done"}),
        ("action_new", {"what": "Hand back the keys", "owner_name": "Jo"}),
        ("close", {}),
    ]
    for name, data in posts:
        for response in (
            client.get(url(name, conversation)),
            client.post(url(name, conversation), data),
        ):
            assert response.status_code == 302, name
            assert response["Location"] == conversation.get_absolute_url()
            assert MESSAGE in _messages(response)
    conversation.refresh_from_db()
    assert conversation.summary == ""
    assert conversation.closed_at is None
    assert not conversation.action_items.exists()


@pytest.mark.parametrize("role", ["resident", "moderator"])
def test_people_who_never_hosted_are_refused_too(client: Any, world: Town, role: str) -> None:
    conversation = world.conversation("group")
    _archive(world)
    login(client, world.user(role))
    response = client.post(url("summary", conversation), {"summary": "Mine"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.summary == ""


def test_an_author_can_no_longer_change_a_reply(client: Any, world: Town) -> None:
    conversation = world.conversation("group")
    post = world.post("group", "author")
    _archive(world)
    login(client, world.person("author"))
    response = client.post(url("edit", conversation, post_pk=post.pk), {"body": "Changed"})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    post.refresh_from_db()
    assert post.body == "author says hello"
