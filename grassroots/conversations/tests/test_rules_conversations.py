"""The permission matrix: every role by every action by every kind of host, each cell asserted."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.db.models import Model
from django.utils import timezone

from grassroots.conversations import services
from grassroots.conversations.models import Audience, Post
from grassroots.conversations.rules import reply_refusal
from grassroots.groups.models import GroupRole
from grassroots.groups.tests.factories import GroupMembershipFactory
from grassroots.initiatives.models import MemberRole
from grassroots.initiatives.tests.factories import MembershipFactory
from grassroots.testing.worlds import Town

from .conftest import CAST, HOSTS

pytestmark = pytest.mark.django_db

AREA_PEOPLE = {"resident", "host", "author", "other author", "ward councillor", "officer"}
SIGNED_IN = set(CAST) - {"anonymous"}

# Who may start a conversation, by host.
START = {
    "ward": {"resident", "host", "author", "other author", "ward councillor"},
    "initiative": {"host"},
    "group": {"host"},
}


def allowed(world: Town, role: str, perm: str, obj: Model | None) -> bool:
    return bool(world.user(role).has_perm(perm, obj))


@pytest.mark.parametrize("host", HOSTS)
def test_who_may_start(world: Town, host: str) -> None:
    target = {"ward": world.ward, "initiative": world.initiative, "group": world.group}[host]
    got = {role for role in CAST if allowed(world, role, "conversations.start", target)}
    assert got == START[host]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Audience.EVERYONE, SIGNED_IN),
        (Audience.AREA, AREA_PEOPLE),
        (Audience.MEMBERS, {"member", "host"}),
    ],
)
def test_who_may_reply_follows_the_audience(
    world: Town, host: str, audience: str, expected: set[str]
) -> None:
    world.set_audience(audience)
    conversation = world.conversation(host)
    if host == "ward" and audience == Audience.MEMBERS:
        expected = set()  # a ward has no members (the start form never offers it)
    got = {role for role in CAST if allowed(world, role, "conversations.reply", conversation)}
    assert got == expected


@pytest.mark.parametrize("host", HOSTS)
def test_everybody_may_read_an_ordinary_conversation(world: Town, host: str) -> None:
    conversation = world.conversation(host)
    assert all(allowed(world, role, "conversations.see", conversation) for role in CAST)


@pytest.mark.parametrize("host", HOSTS)
def test_agreeing_is_for_those_taking_part_but_not_with_yourself(world: Town, host: str) -> None:
    post = world.post(host, "author")
    got = {role for role in CAST if allowed(world, role, "conversations.agree", post)}
    assert got == SIGNED_IN - {"author"}
    world.set_audience(Audience.AREA)
    post = world.post(host, "author")
    got = {role for role in CAST if allowed(world, role, "conversations.agree", post)}
    assert got == AREA_PEOPLE - {"author"}


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("perm", ["conversations.edit_post", "conversations.remove_post"])
def test_only_the_author_changes_or_removes_a_reply(world: Town, host: str, perm: str) -> None:
    post = world.post(host, "author")
    assert {role for role in CAST if allowed(world, role, perm, post)} == {"author"}
    other = world.post(host, "other author")
    assert {role for role in CAST if allowed(world, role, perm, other)} == {"other author"}


def test_the_edit_window_closes(world: Town) -> None:
    post = world.post("ward")
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    post = world.post("ward")
    assert not allowed(world, "author", "conversations.edit_post", post)
    assert allowed(world, "author", "conversations.remove_post", post)  # removing has no window


def test_a_site_can_set_a_longer_edit_window(world: Town, settings: Any) -> None:
    settings.CONVERSATION_EDIT_WINDOW_MINUTES = 60
    post = world.post("ward")
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=59)
    )
    post.refresh_from_db()
    assert allowed(world, "author", "conversations.edit_post", post)
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    post.refresh_from_db()
    assert not allowed(world, "author", "conversations.edit_post", post)


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    "perm",
    ["conversations.pin_summary", "conversations.record_action", "conversations.close"],
)
def test_only_the_host_hosts(world: Town, host: str, perm: str) -> None:
    """Councillors, officers, moderators and site admins take part; they do not host."""
    conversation = world.conversation(host)
    assert {role for role in CAST if allowed(world, role, perm, conversation)} == {"host"}


def test_a_second_lead_or_organiser_hosts_too(world: Town) -> None:
    lead = MembershipFactory(initiative=world.initiative, role=MemberRole.LEAD).user
    organiser = GroupMembershipFactory(group=world.group, role=GroupRole.ORGANISER).user
    assert lead.has_perm("conversations.pin_summary", world.conversation("initiative"))
    assert organiser.has_perm("conversations.pin_summary", world.conversation("group"))
    # A ward conversation is hosted by whoever started it, not by every resident.
    assert not lead.has_perm("conversations.pin_summary", world.conversation("ward"))


def test_a_closed_conversation_takes_no_replies_or_agrees(world: Town) -> None:
    conversation = world.conversation("group")
    services.conversation_close(actor=world.person("host"), conversation=conversation)
    conversation = world.conversation("group")
    post = world.post("group")
    for role in CAST:
        assert not allowed(world, role, "conversations.reply", conversation)
        assert not allowed(world, role, "conversations.agree", post)
        assert not allowed(world, role, "conversations.close", conversation)
    assert allowed(world, "host", "conversations.pin_summary", conversation)


def test_councillors_and_officers_need_two_factor_sign_in_for_their_role(world: Town) -> None:
    world.set_audience(Audience.AREA)
    Authenticator.objects.filter(
        user__in=[world.person("ward councillor"), world.person("officer")]
    ).delete()
    conversation = world.conversation("ward")
    for role in ("ward councillor", "officer"):
        user = type(world.person(role)).objects.get(pk=world.person(role).pk)
        assert not user.has_perm("conversations.reply", conversation)
    user = type(world.person("ward councillor")).objects.get(pk=world.person("ward councillor").pk)
    assert not user.has_perm("conversations.start", world.ward)


@pytest.mark.parametrize(
    ("role", "audience", "words"),
    [
        ("anonymous", Audience.EVERYONE, "Sign in to reply"),
        ("outsider", Audience.AREA, "your postcode is in another ward"),
        ("member", Audience.AREA, "Add your postcode to your profile"),
        ("resident", Audience.MEMBERS, "Only members of Riverside garden can reply"),
    ],
)
def test_the_refusal_says_why(world: Town, role: str, audience: str, words: str) -> None:
    world.set_audience(audience)
    refusal = reply_refusal(world.user(role), world.conversation("initiative"))
    assert refusal is not None
    assert words in refusal
    assert reply_refusal(world.person("host"), world.conversation("initiative")) is None
