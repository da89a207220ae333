"""Followers of a host hear of a new conversation (`Kind.FOLLOWING`): a group's, a ward's or an
initiative's followers, and those of the group's or initiative's wards, once each, never the
person who started it, never outsiders of a safeguarded one, in the same number of queries
however many follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import services
from grassroots.following.services import follow_start
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.notifications.models import Kind, Notification
from grassroots.places.models import Ward
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def told() -> dict[Any, list[Notification]]:
    out: dict[Any, list[Notification]] = {}
    rows = Notification.objects.filter(kind=Kind.FOLLOWING).select_related("recipient")
    for n in rows.order_by("id"):
        out.setdefault(n.recipient, []).append(n)
    return out


def follows(person: User, *targets: Model) -> User:
    for target in targets:
        follow_start(user=person, target=target)
    return person


def start(world: Town, kind: str, **extra: Any) -> Any:
    # Fetched afresh, so no answer cached on an object from before is reused.
    host: dict[str, Any] = {
        "ward": Ward.objects.get(pk=world.ward.pk),
        "initiative": Initiative.objects.get(pk=world.initiative.pk),
        "group": Group.objects.get(pk=world.group.pk),
    }
    actor = User.objects.get(pk=world.person("host").pk)
    return services.conversation_start(
        actor=actor, **{kind: host[kind]}, question="Shall we meet in May?", **extra
    )


def test_a_group_conversation_reaches_the_groups_and_its_wards_followers(world: Town) -> None:
    fan = follows(UserFactory(), world.group)
    neighbour = follows(UserFactory(), world.ward)  # the group's ward, as for its events
    both = follows(UserFactory(), world.group, world.ward)
    elsewhere = follows(UserFactory(), world.other_ward)
    follows(world.person("host"), world.group)
    Notification.objects.all().delete()
    conversation = start(world, "group")
    heard = told()
    assert set(heard) == {fan, neighbour, both}
    assert len(heard[both]) == 1
    row = heard[fan][0]
    assert row.text == "New conversation in Friends of Riverside park: Shall we meet in May?"
    assert row.url == conversation.get_absolute_url()
    assert row.group == world.group
    assert row.conversation == conversation
    assert elsewhere not in heard


def test_a_safeguarded_group_conversation_reaches_only_followers_inside_it(world: Town) -> None:
    # Being a member of the group is not enough: nobody but its organisers and its starter is
    # inside a new safeguarded group conversation until the organisers let them in.
    member = follows(world.person("member"), world.group)
    organiser = follows(UserFactory(), world.group)
    GroupMembership.objects.create(
        group=world.group,
        user=organiser,
        role=GroupRole.ORGANISER,
        status=GroupMembershipStatus.ACTIVE,
    )
    outsider = follows(UserFactory(), world.group)
    Notification.objects.all().delete()
    start(world, "group", is_safeguarded=True)
    assert set(told()) == {organiser}
    assert not Notification.objects.filter(recipient__in=[outsider, member]).exists()


def test_a_ward_conversation_reaches_the_wards_followers(world: Town) -> None:
    neighbour = follows(UserFactory(), world.ward)
    elsewhere = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    start(world, "ward")
    heard = told()
    assert set(heard) == {neighbour}
    assert heard[neighbour][0].ward == world.ward
    assert elsewhere not in heard


def test_an_initiative_conversation_reaches_its_and_its_wards_followers_once(
    world: Town,
) -> None:
    fan = follows(UserFactory(), world.initiative, world.ward)
    neighbour = follows(UserFactory(), world.ward)
    elsewhere = follows(UserFactory(), world.other_ward)
    Notification.objects.all().delete()
    start(world, "initiative")
    heard = told()
    assert set(heard) == {fan, neighbour}
    assert len(heard[fan]) == 1
    assert heard[fan][0].initiative == world.initiative
    assert elsewhere not in heard


@pytest.mark.parametrize("kind", ["ward", "initiative", "group"])
def test_telling_followers_costs_the_same_queries_however_many(world: Town, kind: str) -> None:
    target = {"ward": world.ward, "initiative": world.initiative, "group": world.group}[kind]

    def queries(many: int) -> int:
        for _ in range(many):
            follows(UserFactory(), target)
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as context:
            start(world, kind)
        assert len(told()) >= many
        return len(context.captured_queries)

    assert queries(2) == queries(12)


def test_a_safeguarded_initiatives_conversation_never_reaches_its_wards_followers(
    world: Town,
) -> None:
    Initiative.objects.filter(pk=world.initiative.pk).update(visibility=Visibility.SAFEGUARDED)
    member = follows(world.person("member"), world.ward)  # a member of the initiative
    neighbour = follows(UserFactory(), world.ward)
    Notification.objects.all().delete()
    start(world, "initiative")
    assert set(told()) == {member}
    assert not Notification.objects.filter(recipient=neighbour).exists()
