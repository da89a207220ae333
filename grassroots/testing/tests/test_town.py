"""The shared town and cast are what they say: every role built, each standing where named."""

from __future__ import annotations

import pytest

from grassroots.conversations.models import Conversation
from grassroots.events.models import Rsvp
from grassroots.groups.models import GroupMembership
from grassroots.initiatives.models import Membership, MembershipStatus
from grassroots.initiatives.visibility import can_view
from grassroots.testing.cast import GROUP_CAST, INITIATIVE_CAST, pick, pick_group
from grassroots.testing.worlds import TOWN_CAST, Town, build_town, pick_town

pytestmark = pytest.mark.django_db


def test_the_town_fixture_has_the_default_people(town: Town) -> None:
    assert set(town.users) == {"anonymous", "resident", "member", "lead", "organiser"}
    assert not town.user("anonymous").is_authenticated
    assert town.person("lead") == town.initiative.created_by
    assert town.person("organiser") == town.group.created_by
    member = town.person("member")
    assert Membership.objects.get(initiative=town.initiative, user=member).status == (
        MembershipStatus.APPROVED
    )
    assert GroupMembership.objects.filter(group=town.group, user=member).exists()
    assert can_view(town.person("lead"), town.initiative)
    assert not can_view(town.person("resident"), town.safeguarded)


def test_every_role_of_the_town_can_be_cast_at_once() -> None:
    town = build_town(roles=TOWN_CAST, conversations=True, events=True, one_host=True)
    assert set(town.users) == set(TOWN_CAST)
    assert town.person("host") == town.group.created_by
    assert set(town.conversations) == {"ward", "initiative", "group"}
    assert Conversation.objects.count() == 3
    assert Rsvp.objects.filter(user=town.person("going resident")).count() == 4
    assert town.invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize("role", INITIATIVE_CAST)
def test_every_role_around_an_initiative_can_be_cast(role: str, town: Town) -> None:
    INITIATIVE_CAST[role](town.initiative)


@pytest.mark.parametrize("role", GROUP_CAST)
def test_every_role_around_a_group_can_be_cast(role: str, town: Town) -> None:
    GROUP_CAST[role](town.group)


def test_pick_keeps_the_order_and_refuses_unknown_names() -> None:
    assert list(pick("lead", "anonymous")) == ["lead", "anonymous"]
    assert list(pick_group("organiser")) == ["organiser"]
    assert list(pick_town("site admin", "resident")) == ["site admin", "resident"]
    with pytest.raises(KeyError):
        pick("nobody at all")
