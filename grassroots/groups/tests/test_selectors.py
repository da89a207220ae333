"""The helpers other apps use: is_member, is_organiser, groups_for_user and friends."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.tests.factories import UserFactory
from grassroots.groups import selectors, services
from grassroots.groups.models import Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import invite_to_group, make_group_member, make_group_organiser

pytestmark = pytest.mark.django_db


def test_who_is_a_member_and_who_organises() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    member = make_group_member(group)
    organiser = make_group_organiser(group)
    invited = invite_to_group(group).user
    left = make_group_member(group)
    services.group_leave(group=group, user=left)
    outsider = UserFactory()
    expected: dict[str, tuple[Any, bool, bool]] = {
        "creator": (group.created_by, True, True),
        "organiser": (organiser, True, True),
        "member": (member, True, False),
        "invited": (invited, False, False),
        "left": (left, False, False),
        "outsider": (outsider, False, False),
        "anonymous": (AnonymousUser(), False, False),
    }
    for name, (user, is_member, is_organiser) in expected.items():
        assert selectors.is_member(user, group) is is_member, name
        assert selectors.is_organiser(user, group) is is_organiser, name
    assert selectors.member_ids(group) == {group.created_by.pk, member.pk, organiser.pk}
    assert selectors.organiser_ids(group) == {group.created_by.pk, organiser.pk}


def test_a_deactivated_member_is_no_longer_a_member() -> None:
    group = GroupFactory()
    member = make_group_member(group)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert not selectors.is_member(member, group)
    assert list(selectors.groups_for_user(member)) == []


def test_groups_for_user_lists_the_groups_they_are_in() -> None:
    user = UserFactory()
    choir = GroupFactory(name="Choir")
    allotment = GroupFactory(name="Allotment")
    make_group_member(choir, user)
    make_group_member(allotment, user)
    left = GroupFactory(name="Book club")
    make_group_member(left, user)
    services.group_leave(group=left, user=user)
    GroupFactory(name="Not mine")
    invite_to_group(GroupFactory(name="Invited only", joining=Joining.INVITE), user)
    own = GroupFactory(name="Walkers", created_by=user)
    assert [g.name for g in selectors.groups_for_user(user)] == ["Allotment", "Choir", "Walkers"]
    assert list(selectors.organised_by(user)) == [own]
    assert list(selectors.groups_for_user(AnonymousUser())) == []


def test_pending_invitations_are_the_ones_waiting() -> None:
    user = UserFactory()
    waiting = invite_to_group(GroupFactory(joining=Joining.INVITE), user)
    answered = invite_to_group(GroupFactory(joining=Joining.INVITE), user)
    services.invitation_decline(membership=answered, user=user)
    assert list(selectors.pending_invitations(user)) == [waiting]
    assert list(selectors.pending_invitations(AnonymousUser())) == []


def test_answers_follow_changes_made_through_the_services() -> None:
    group = GroupFactory()
    user = UserFactory()
    assert not selectors.is_member(user, group)  # cached on the group object ...
    services.group_join(group=group, user=user)
    assert selectors.is_member(user, group)  # ... and forgotten when the service changes it
