"""Followers of an initiative, and of its wards, hear about its progress updates and changes of
stage (Kind.FOLLOWING), once each, never about a safeguarded initiative they cannot see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.following.services import follow_start, followers_notify
from grassroots.initiatives.models import Stage
from grassroots.initiatives.services.lifecycle import initiative_change_stage
from grassroots.initiatives.services.progress import update_create
from grassroots.initiatives.tests.factories import BackingFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def told(kind: str = Kind.FOLLOWING) -> dict[Any, list[str]]:
    out: dict[Any, list[str]] = {}
    for n in Notification.objects.filter(kind=kind).select_related("recipient").order_by("id"):
        out.setdefault(n.recipient, []).append(n.text)
    return out


def test_a_progress_update_reaches_the_initiatives_and_its_wards_followers(world: Town) -> None:
    fan, neighbour, both = UserFactory(), UserFactory(), UserFactory()
    follow_start(user=fan, target=world.initiative)
    follow_start(user=neighbour, target=world.ward)
    follow_start(user=both, target=world.initiative)
    follow_start(user=both, target=world.ward)
    lead = world.initiative.created_by
    follow_start(user=lead, target=world.initiative)  # the author is never told of their own
    update_create(initiative=world.initiative, author=lead, text="We planted twelve trees.")
    heard = told()
    assert set(heard) == {fan, neighbour, both}
    assert all(len(texts) == 1 for texts in heard.values())
    assert "Riverside garden" in heard[fan][0]
    assert "We planted twelve trees." in heard[fan][0]
    notification = Notification.objects.filter(recipient=fan).get()
    assert notification.initiative == world.initiative
    assert notification.url == world.initiative.get_absolute_url()


def test_a_stage_change_reaches_followers_once_besides_members_and_backers(world: Town) -> None:
    follower, member, backer = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(initiative=world.initiative, user=member)
    BackingFactory(initiative=world.initiative, user=backer)
    for person in (follower, member, backer):
        follow_start(user=person, target=world.initiative)
    initiative_change_stage(
        initiative=world.initiative,
        actor=world.initiative.created_by,
        to_stage=Stage.GATHERING_SUPPORT,
    )
    assert set(told(Kind.STAGE_CHANGE)) == {member, backer}
    assert set(told()) == {follower}
    assert told()[follower] == ["Riverside garden is now at the stage: Gathering support"]


def test_followers_of_the_ward_never_hear_about_a_safeguarded_initiative(world: Town) -> None:
    outsider = UserFactory()
    follow_start(user=outsider, target=world.ward)
    member = world.person("initiative_member")
    follow_start(user=member, target=world.safeguarded)
    follow_start(user=member, target=world.ward)
    update_create(initiative=world.safeguarded, author=world.safeguarded.created_by, text="We met.")
    initiative_change_stage(
        initiative=world.safeguarded,
        actor=world.safeguarded.created_by,
        to_stage=Stage.PLANNING,
    )
    assert outsider not in told()
    assert len(told()[member]) == 1  # the update; the stage change came to them as a member
    assert not Notification.objects.filter(recipient=outsider).exists()


def _queries(count: int, world: Town) -> int:
    for _ in range(count):
        follow_start(user=UserFactory(), target=world.initiative)
        follow_start(user=UserFactory(), target=world.ward)
    with CaptureQueriesContext(connection) as context:
        followers_notify(initiative=world.initiative, text="News", url="/")
    Notification.objects.all().delete()
    return len(context.captured_queries)


def test_telling_followers_costs_the_same_queries_however_many(world: Town) -> None:
    assert _queries(2, world) == _queries(12, world)
