"""Who may do what with a group: a table of roles by actions, each cell asserted."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.groups import services
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import (
    GROUP_CAST,
    GROUP_MEMBERS,
    GROUP_SIGNED_IN,
    ORGANISERS,
    invite_to_group,
)

pytestmark = pytest.mark.django_db

ORGANISER_ONLY = {
    "groups.manage_members": ORGANISERS,
    "groups.host_conversation": ORGANISERS,
    "groups.host_event": ORGANISERS,
    "groups.manage_venues": ORGANISERS,
    "groups.step_down": ORGANISERS,
}

OPEN: dict[str, set[str]] = {
    "groups.see_group": set(GROUP_CAST),
    "groups.create_group": GROUP_SIGNED_IN,
    # Site admins edit any group (the Django admin site asks this permission too).
    "groups.change_group": ORGANISERS | {"site admin"},
    **ORGANISER_ONLY,
    "groups.join": GROUP_SIGNED_IN - GROUP_MEMBERS - {"removed"},
    "groups.leave": GROUP_MEMBERS,
}

INVITE_ONLY: dict[str, set[str]] = {**OPEN, "groups.join": set()}


def _cells(table: dict[str, set[str]]) -> list[Any]:
    return [
        pytest.param(role, perm, role in allowed, id=f"{perm.split('.')[1]}-{role}")
        for perm, allowed in table.items()
        for role in GROUP_CAST
    ]


def _check(group: Group, role: str, perm: str, allowed: bool) -> None:
    actor = GROUP_CAST[role](group)
    fresh = Group.objects.get(pk=group.pk)  # nothing cached from building the roles
    assert actor.has_perm(perm, fresh) is allowed


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(OPEN))
def test_who_may_act_on_an_open_group(role: str, perm: str, allowed: bool) -> None:
    _check(GroupFactory(joining=Joining.OPEN), role, perm, allowed)


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(INVITE_ONLY))
def test_who_may_act_on_an_invite_only_group(role: str, perm: str, allowed: bool) -> None:
    _check(GroupFactory(joining=Joining.INVITE), role, perm, allowed)


INVITATION: dict[str, set[str]] = {
    "groups.accept_invitation": {"the invitee"},
    "groups.decline_invitation": {"the invitee"},
    "groups.withdraw_invitation": ORGANISERS,
}


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [
        pytest.param(role, perm, role in allowed, id=f"{perm.split('.')[1]}-{role}")
        for perm, allowed in INVITATION.items()
        for role in [*GROUP_CAST, "the invitee"]
    ],
)
def test_who_may_answer_or_withdraw_an_invitation(role: str, perm: str, allowed: bool) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    actor = invitation.user if role == "the invitee" else GROUP_CAST[role](group)
    fresh = GroupMembership.objects.select_related("group").get(pk=invitation.pk)
    assert actor.has_perm(perm, fresh) is allowed


@pytest.mark.parametrize("perm", ["groups.accept_invitation", "groups.withdraw_invitation"])
def test_an_answered_invitation_can_no_longer_be_acted_on(perm: str) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    services.invitation_decline(membership=invitation, user=invitation.user)
    fresh = GroupMembership.objects.select_related("group").get(pk=invitation.pk)
    assert not invitation.user.has_perm(perm, fresh)
    assert group.created_by is not None
    assert not group.created_by.has_perm(perm, fresh)


def test_permissions_without_a_group_are_refused() -> None:
    organiser = GroupFactory().created_by
    for perm in ("groups.host_event", "groups.manage_members", "groups.join", "groups.leave"):
        assert not organiser.has_perm(perm, None)
