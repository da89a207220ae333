"""The people around one initiative, built through the services, for matrix tests.

`ROLES` maps a role name to a function(initiative) -> user standing in that relation to it.
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
    make_officer,
    make_site_admin,
)
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.initiatives.services import people
from grassroots.initiatives.tests.factories import InitiativeFactory


def with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def make_member(initiative: Initiative, user: User | None = None) -> User:
    """Asks to join and is approved by a lead, as through the pages."""
    user = user or UserFactory()
    membership = _ask(initiative, user, message="Hi")
    people.membership_decide(membership=membership, actor=initiative.created_by, approve=True)
    return user


def make_colead(initiative: Initiative, user: User | None = None) -> User:
    user = make_member(initiative, user)
    people.membership_make_lead(
        membership=Membership.objects.get(initiative=initiative, user=user),
        actor=initiative.created_by,
    )
    return user


def _ask(initiative: Initiative, user: User, message: str = "") -> Membership:
    if initiative.visibility == Visibility.SAFEGUARDED:
        # Nobody outside can see a safeguarded initiative to ask (the service refuses them):
        # this request stands for one made while it was public.
        return Membership.objects.create(initiative=initiative, user=user, message=message)
    return people.membership_request(initiative=initiative, user=user, message=message)


def _requested(initiative: Initiative) -> User:
    user = UserFactory()
    _ask(initiative, user)
    return user


def _ward_councillor(initiative: Initiative) -> User:
    return with_totp(make_councillor(ward=initiative.wards.first()))


def _councillor_member(initiative: Initiative) -> User:
    return make_member(initiative, _ward_councillor(initiative))


def _elected_lead(initiative: Initiative) -> User:
    """A lead who has since been elected for one of its wards: the back seat applies."""
    user = make_member(initiative)
    Membership.objects.filter(initiative=initiative, user=user).update(role=MemberRole.LEAD)
    return with_totp(make_councillor(user, ward=initiative.wards.first()))


def _lead_elsewhere(initiative: Initiative) -> User:
    lead: User = InitiativeFactory().created_by
    return lead


ROLES: dict[str, Callable[[Initiative], Any]] = {
    "anonymous": lambda i: AnonymousUser(),
    "resident": lambda i: UserFactory(),
    "lead of another initiative": _lead_elsewhere,
    "asked to join": _requested,
    "member": make_member,
    "lead": lambda i: i.created_by,
    "co-lead": make_colead,
    "councillor of another ward": lambda i: with_totp(make_councillor()),
    "councillor of this ward": _ward_councillor,
    "councillor of this ward who is a member": _councillor_member,
    "lead since elected for this ward": _elected_lead,
    "officer": lambda i: with_totp(make_officer()),
    "site admin": lambda i: with_totp(make_site_admin()),
}

LEADS = {"lead", "co-lead"}
MEMBERS = LEADS | {
    "member",
    "councillor of this ward who is a member",
    "lead since elected for this ward",
}
SIGNED_IN = set(ROLES) - {"anonymous"}


def left(initiative: Initiative, user: User) -> None:
    Membership.objects.filter(initiative=initiative, user=user).update(
        status=MembershipStatus.LEFT, role=MemberRole.MEMBER
    )
