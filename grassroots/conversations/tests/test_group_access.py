"""A safeguarded conversation hosted by an open group: joining the group does not open it. Its
organisers let named members in (and out); everybody else gets what they would get for a
conversation that does not exist, on every surface."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import services
from grassroots.conversations.models import Conversation, ConversationAccess
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Notification
from grassroots.notifications.selectors import unread_count
from grassroots.testing.cast import make_group_member

pytestmark = pytest.mark.django_db

QUESTION = "Quietcircle: how are you coping?"


def _setup() -> tuple[Any, Conversation, Any]:
    group = GroupFactory(joining=Joining.OPEN, name="Carers together")
    organiser = group.created_by
    conversation = services.conversation_start(
        actor=organiser, group=group, question=QUESTION, is_safeguarded=True
    )
    insider = make_group_member(group)
    services.conversation_access_grant(actor=organiser, conversation=conversation, user=insider)
    services.post_create(actor=insider, conversation=conversation, body="It has been a hard week")
    return group, conversation, insider


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_newcomer_who_joins_the_open_group_finds_nothing_of_it() -> None:
    group, conversation, insider = _setup()
    newcomer = make_group_member(group)  # anybody may join an open group
    Notification.objects.all().delete()
    services.post_create(actor=insider, conversation=conversation, body="Thank you all")
    client = _client(newcomer)

    page = client.get(conversation.get_absolute_url())
    missing = client.get("/conversations/999999/")
    assert page.status_code == missing.status_code == 404
    assert page.content == missing.content
    for url in (
        "/conversations/",
        f"/conversations/?group={group.slug}",
        group.get_absolute_url(),
        f"/following/feeds/group/{group.slug}.atom",
        "/notifications/",
    ):
        body = client.get(url).content.decode()
        assert "Quietcircle" not in body, url
    listing = client.get("/conversations/", {"group": group.slug}).content.decode()
    assert "0 conversations" in listing
    assert not Notification.objects.filter(recipient=newcomer).exists()
    assert unread_count(newcomer) == 0

    # The person let in sees it everywhere.
    assert _client(insider).get(conversation.get_absolute_url()).status_code == 200
    assert "Quietcircle" in _client(insider).get("/conversations/").content.decode()


def test_an_organiser_lets_a_member_in_and_out() -> None:
    group, conversation, _insider = _setup()
    newcomer = make_group_member(group)
    organiser = _client(group.created_by)
    url = f"/conversations/{conversation.pk}/access/"
    page = organiser.get(url).content.decode()
    assert "Who can see this conversation" in page
    assert newcomer.public_name in page

    response = organiser.post(url, {"action": "grant", "user": newcomer.pk})
    assert response.status_code == 302
    assert _client(newcomer).get(conversation.get_absolute_url()).status_code == 200
    assert AuditEntry.objects.filter(action="conversations.access_granted").count() == 2
    assert Notification.objects.filter(recipient=newcomer, conversation=conversation).exists()

    response = organiser.post(url, {"action": "revoke", "user": newcomer.pk})
    assert response.status_code == 302
    assert _client(newcomer).get(conversation.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(action="conversations.access_revoked").count() == 1
    # Their notification about it is no longer shown to them.
    assert unread_count(newcomer) == 0


def test_the_organisers_see_the_link_on_the_conversation_page() -> None:
    group, conversation, insider = _setup()
    link = f"/conversations/{conversation.pk}/access/"
    assert link in _client(group.created_by).get(conversation.get_absolute_url()).content.decode()
    assert link not in _client(insider).get(conversation.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["insider", "newcomer", "stranger"])
def test_nobody_but_an_organiser_may_let_people_in(who: str) -> None:
    group, conversation, insider = _setup()
    newcomer = make_group_member(group)
    actor = {"insider": insider, "newcomer": newcomer, "stranger": UserFactory()}[who]
    with pytest.raises(PermissionDenied):
        services.conversation_access_grant(actor=actor, conversation=conversation, user=newcomer)
    response = _client(actor).post(
        f"/conversations/{conversation.pk}/access/", {"action": "grant", "user": newcomer.pk}
    )
    # Who cannot see it gets the 404 of a missing conversation; an insider is refused.
    assert response.status_code == (403 if who == "insider" else 404)
    assert not ConversationAccess.objects.filter(user=newcomer).exists()


def test_only_members_of_the_group_can_be_let_in() -> None:
    group, conversation, _insider = _setup()
    stranger = UserFactory()
    with pytest.raises(ServiceError):
        services.conversation_access_grant(
            actor=group.created_by, conversation=conversation, user=stranger
        )
    response = _client(group.created_by).post(
        f"/conversations/{conversation.pk}/access/", {"action": "grant", "user": stranger.pk}
    )
    assert response.status_code == 400
    assert "Choose a member of the group" in response.content.decode()
    assert not ConversationAccess.objects.filter(user=stranger).exists()


@pytest.mark.parametrize(
    "data", [{}, {"action": "grant"}, {"action": "grant", "user": "x"}, {"action": "zap"}]
)
def test_bad_input_is_explained_and_changes_nothing(data: dict[str, str]) -> None:
    group, conversation, _insider = _setup()
    before = ConversationAccess.objects.count()
    response = _client(group.created_by).post(f"/conversations/{conversation.pk}/access/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert ConversationAccess.objects.count() == before


def test_an_ordinary_group_conversation_has_no_access_list() -> None:
    group = GroupFactory()
    conversation = services.conversation_start(actor=group.created_by, group=group, question="Q?")
    response = _client(group.created_by).get(f"/conversations/{conversation.pk}/access/")
    assert response.status_code == 403


def test_leaving_the_group_closes_it_again() -> None:
    group, conversation, insider = _setup()
    GroupMembership.objects.filter(group=group, user=insider).update(
        status=GroupMembershipStatus.LEFT
    )
    assert _client(insider).get(conversation.get_absolute_url()).status_code == 404


def test_every_organiser_is_inside() -> None:
    group, conversation, _insider = _setup()
    organiser = UserFactory()
    GroupMembership.objects.create(
        group=group, user=organiser, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
    )
    assert _client(organiser).get(conversation.get_absolute_url()).status_code == 200


def test_the_migration_lets_in_those_who_already_took_part() -> None:
    """Existing safeguarded group conversations: members who posted and organisers keep them."""

    migration = importlib.import_module(
        "grassroots.conversations.migrations.0004_conversation_access_backfill"
    )
    group, conversation, insider = _setup()
    silent = make_group_member(group)
    ConversationAccess.objects.all().delete()
    migration.grant_existing(apps, None)
    assert set(
        ConversationAccess.objects.filter(conversation=conversation).values_list(
            "user_id", flat=True
        )
    ) == {insider.pk, group.created_by.pk}
    assert silent.pk not in ConversationAccess.objects.values_list("user_id", flat=True)
