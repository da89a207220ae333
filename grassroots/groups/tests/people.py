"""The people around one group, for matrix tests.

`ROLES` maps a role name to a function(group) -> user standing in that relation to it.
Memberships are made through the services, as the pages make them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import (
    UserFactory,
    make_councillor,
    make_moderator,
    make_officer,
    make_site_admin,
)
from grassroots.groups import services
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def organiser_of(group: Group) -> User:
    row = GroupMembership.objects.filter(group=group, role="organiser", status="active").first()
    assert row is not None
    user: User = row.user
    return user


def invite(group: Group, user: User | None = None) -> GroupMembership:
    """An organiser invites `user` (a new resident by default)."""
    user = user or UserFactory()
    membership = services.invitation_create(
        group=group, actor=organiser_of(group), email=user.email, message=""
    )
    assert membership is not None  # the account exists, so the invitation is theirs at once
    return membership


def make_member(group: Group, user: User | None = None) -> User:
    """Joins an open group, or accepts an organiser's invitation to an invite-only one."""
    user = user or UserFactory()
    if group.joining == Joining.OPEN:
        services.group_join(group=group, user=user)
    else:
        services.invitation_accept(membership=invite(group, user), user=user)
    return user


def make_organiser(group: Group, user: User | None = None) -> User:
    user = make_member(group, user)
    services.member_make_organiser(
        membership=GroupMembership.objects.get(group=group, user=user), actor=organiser_of(group)
    )
    return user


def _invited(group: Group) -> User:
    user: User = invite(group).user
    return user


def _removed(group: Group) -> User:
    user = make_member(group)
    services.member_remove(
        membership=GroupMembership.objects.get(group=group, user=user), actor=organiser_of(group)
    )
    return user


def _left(group: Group) -> User:
    user = make_member(group)
    services.group_leave(group=group, user=user)
    return user


def _organiser_elsewhere(group: Group) -> User:
    other = GroupFactory(council=group.council)
    assert other.created_by is not None
    user: User = other.created_by
    return user


ROLES: dict[str, Callable[[Group], Any]] = {
    "anonymous": lambda g: AnonymousUser(),
    "resident": lambda g: UserFactory(),
    "invited": _invited,
    "left": _left,
    "removed": _removed,
    "member": make_member,
    "organiser": lambda g: g.created_by,
    "co-organiser": make_organiser,
    "organiser of another group": _organiser_elsewhere,
    "councillor": lambda g: with_totp(make_councillor()),
    "councillor who is a member": lambda g: make_member(g, with_totp(make_councillor())),
    "officer": lambda g: with_totp(make_officer()),
    "moderator": lambda g: make_moderator(),
    "site admin": lambda g: with_totp(make_site_admin()),
}

ORGANISERS = {"organiser", "co-organiser"}
MEMBERS = ORGANISERS | {"member", "councillor who is a member"}
SIGNED_IN = set(ROLES) - {"anonymous"}
