"""The group invitation services check their own permission: called directly by somebody the
rule leaves out, each raises PermissionDenied and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.groups import services
from grassroots.groups.models import Group, GroupEmailInvitation, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Notification
from grassroots.testing.cast import invite_to_group, make_group_member

pytestmark = pytest.mark.django_db


def _everything() -> list[Any]:
    return [
        list(GroupMembership.objects.order_by("pk").values_list("pk", "user_id", "status", "role")),
        list(GroupEmailInvitation.objects.values_list("pk", flat=True)),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    ]


Call = Callable[[Group, GroupMembership, User], object]

CALLS: dict[str, Call] = {
    "invite an account (a member)": lambda g, m, member: services.invitation_create(
        group=g, actor=member, email=UserFactory().email
    ),
    "invite an address (a member)": lambda g, m, member: services.invitation_create(
        group=g, actor=member, email="nobody@example.org"
    ),
    "accept somebody else's invitation": lambda g, m, member: services.invitation_accept(
        membership=m, user=member
    ),
    "turn down somebody else's invitation": lambda g, m, member: services.invitation_decline(
        membership=m, user=member
    ),
    "withdraw an invitation (a member)": lambda g, m, member: services.invitation_withdraw(
        membership=m, actor=member
    ),
}


@pytest.mark.parametrize("call", CALLS)
def test_an_invitation_service_called_by_somebody_not_allowed_refuses(call: str) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    member = make_group_member(group)
    waiting = invite_to_group(group)
    before = _everything()
    with pytest.raises(PermissionDenied):
        CALLS[call](group, waiting, member)
    assert _everything() == before
