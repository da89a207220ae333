"""A group's page: what it is, its people, and what it hosts (never a safeguarded secret)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation
from grassroots.conversations.services import conversation_access_grant
from grassroots.events.models import Event, Venue
from grassroots.groups.models import Group, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import invite_to_group, make_group_member, make_group_organiser

pytestmark = pytest.mark.django_db


def _conversation(group: Group, question: str, **extra: Any) -> Conversation:
    return Conversation.objects.create(
        group=group, question=question, started_by=group.created_by, **extra
    )


def _event(group: Group, title: str, days: int = 7, **extra: Any) -> Event:
    starts = timezone.now() + datetime.timedelta(days=days)
    extra.setdefault("online_url", "https://meet.example.org/park")
    return Event.objects.create(
        group=group,
        title=title,
        description="Bring gloves",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        **extra,
    )


def test_the_page_says_what_the_group_is_and_how_to_join(client: Client) -> None:
    ward = WardFactory(name="Riverside")
    group = GroupFactory(
        council=ward.council,
        name="Brook choir",
        description="We sing on Tuesdays.",
        joining=Joining.INVITE,
    )
    group.wards.set([ward])
    group.created_by.display_name = "Ada"
    group.created_by.save(update_fields=["display_name"])
    make_group_member(group, UserFactory(display_name="Ben"))
    body = client.get("/groups/" + group.slug + "/").content.decode()
    assert '<h1 class="govuk-heading-xl">Brook choir</h1>' in body
    assert "We sing on Tuesdays." in body
    assert "Riverside" in body
    assert "By invitation: ask one of the organisers." in body
    assert "Ada" in body
    assert "Ben" in body
    assert '<dd class="govuk-summary-list__value" data-member-count>2</dd>' in body


def test_a_missing_group_is_404(client: Client) -> None:
    assert client.get("/groups/no-such-group/").status_code == 404


def test_visitors_are_offered_what_they_may_do(client: Client) -> None:
    group = GroupFactory(joining=Joining.OPEN)
    assert "Sign in to join" in client.get(group.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    body = client.get(group.get_absolute_url()).content.decode()
    assert "Join this group" in body
    assert "Change the group" not in body
    assert "Invite somebody" not in body
    client.force_login(group.created_by)
    body = client.get(group.get_absolute_url()).content.decode()
    assert "Join this group" not in body
    assert "Change the group" in body
    assert "Invite somebody" in body
    assert "Leave this group" in body


def test_conversations_are_listed_but_a_safeguarded_one_only_to_members(
    client: Client,
) -> None:
    group = GroupFactory()
    _conversation(group, "Where should the bench go?")
    _conversation(group, "Private worries", is_safeguarded=True)
    _conversation(group, "Hidden by a moderator", hidden_at=timezone.now())
    _conversation(GroupFactory(), "Another group's question")

    outsider_view = client.get(group.get_absolute_url()).content.decode()
    assert "Where should the bench go?" in outsider_view
    assert "Private worries" not in outsider_view
    assert "Hidden by a moderator" not in outsider_view
    assert "Another group&#x27;s question" not in outsider_view

    client.force_login(invite_to_group(group).user)  # invited is not in yet
    assert "Private worries" not in client.get(group.get_absolute_url()).content.decode()

    joined = make_group_member(group)  # joining alone does not open it
    client.force_login(joined)
    assert "Private worries" not in client.get(group.get_absolute_url()).content.decode()

    private = group.conversations.get(question="Private worries")
    conversation_access_grant(actor=group.created_by, conversation=private, user=joined)
    member_view = client.get(group.get_absolute_url()).content.decode()
    assert "Private worries" in member_view
    assert "Members only" in member_view


def test_only_upcoming_events_that_are_on_are_listed(client: Client) -> None:
    group = GroupFactory()
    _event(group, "Spring clean-up")
    _event(group, "Last year's picnic", days=-30)
    _event(group, "Called off", cancelled_at=timezone.now())
    _event(group, "Hidden meeting", hidden_at=timezone.now())
    body = client.get(group.get_absolute_url()).content.decode()
    assert "Spring clean-up" in body
    assert "picnic" not in body
    assert "Called off" not in body
    assert "Hidden meeting" not in body


def test_the_page_costs_the_same_queries_however_many_people_and_things(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    ward = WardFactory()
    group = GroupFactory(council=ward.council)
    group.wards.set([ward, WardFactory(council=ward.council)])
    for _ in range(30):
        make_group_member(group)
    for _ in range(3):
        make_group_organiser(group)
    for _ in range(5):
        invite_to_group(group)
    venue = Venue.objects.create(council=ward.council, name="Hall", address="1 High St")
    for n in range(8):
        _conversation(group, f"Question {n}", is_safeguarded=n % 2 == 0)
        _event(group, f"Meeting {n}", days=n + 1, venue=venue, online_url="")
    client.force_login(group.created_by)
    with django_assert_max_num_queries(20):
        response = client.get(group.get_absolute_url())
    body = response.content.decode()
    assert "Meeting 7" in body
    assert "Question 7" in body
    assert body.count("Make organiser") == 30
    client.logout()
    with django_assert_max_num_queries(12):
        assert client.get(group.get_absolute_url()).status_code == 200


def test_the_ward_page_lists_the_groups_active_there(client: Client) -> None:
    ward = WardFactory(name="Riverside")
    group = GroupFactory(council=ward.council, name="Riverside rowers")
    group.wards.set([ward])
    GroupFactory(council=ward.council, name="Somewhere else")
    body = client.get(ward.get_absolute_url()).content.decode()
    assert "Riverside rowers" in body
    assert "Somewhere else" not in body
    assert f"/groups/?council={ward.council.slug}&amp;ward={ward.pk}" in body


def test_groups_are_in_the_menu_on_every_page(client: Client) -> None:
    body = client.get("/").content.decode()
    assert 'href="/groups/">Groups</a>' in body
    listing = client.get("/groups/").content.decode()
    assert 'href="/groups/" aria-current="page"><strong' in listing


def test_organisers_are_offered_to_host_conversations_and_events(client: Client) -> None:
    group = GroupFactory()
    member = make_group_member(group)
    client.force_login(group.created_by)
    body = client.get(group.get_absolute_url()).content.decode()
    assert f"/conversations/start/group/{group.slug}/" in body
    assert f"/events/new?host=group:{group.pk}" in body
    client.force_login(member)
    body = client.get(group.get_absolute_url()).content.decode()
    assert "/conversations/start/" not in body
    assert "/events/new" not in body
    assert f"/events/calendar/group/{group.slug}.ics" in body
