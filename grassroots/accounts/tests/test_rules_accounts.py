"""Who may do what with accounts: a table of roles by actions, each cell asserted."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from grassroots.accounts import rules as account_rules
from grassroots.accounts.tests import factories
from grassroots.accounts.tests.factories import UserFactory
from grassroots.testing.people import (
    make_councillor,
    make_moderator,
    make_officer,
    make_resident,
    make_site_admin,
    with_totp,
)

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate() - datetime.timedelta(days=365)
FIVE_YEARS_AGO = LAST_YEAR - datetime.timedelta(days=4 * 365)


# Everybody is made by the shared people makers (grassroots/testing/people.py), which give
# councillors, officers and site admins two-factor authentication unless told not to. Not the
# town's cast: the rules here turn on a person's roles alone, never on a place, and the town
# has no former councillor or officer nor an officer without MFA.
ROLES: dict[str, Callable[[], Any]] = {
    "anonymous": AnonymousUser,
    "resident": make_resident,
    "councillor": make_councillor,
    "councillor without MFA": lambda: make_councillor(totp=False),
    "officer": make_officer,
    "officer without MFA": lambda: make_officer(totp=False),
    # A term or post that has ended (the shared makers only make current ones).
    "former councillor": lambda: with_totp(
        factories.make_councillor(starts_on=FIVE_YEARS_AGO, ends_on=LAST_YEAR)
    ),
    "former officer": lambda: with_totp(
        factories.make_officer(starts_on=FIVE_YEARS_AGO, ends_on=LAST_YEAR)
    ),
    "moderator": make_moderator,
    "site admin": make_site_admin,
    "site admin without MFA": lambda: make_site_admin(totp=False),
}

OWN_ACCOUNT_ACTIONS = ["accounts.edit_profile", "accounts.delete_account", "accounts.export_data"]


def _cells(table: dict[str, set[str]], actions: list[str]) -> list[Any]:
    return [
        pytest.param(role, action, role in table[action], id=f"{action}-{role}")
        for action in actions
        for role in ROLES
    ]


# Acting on a resident's account (somebody else's, for every role here).
SOMEBODY_ELSES_ACCOUNT: dict[str, set[str]] = {action: set() for action in OWN_ACCOUNT_ACTIONS}


@pytest.mark.parametrize(
    ("role", "perm", "allowed"), _cells(SOMEBODY_ELSES_ACCOUNT, OWN_ACCOUNT_ACTIONS)
)
def test_nobody_may_act_on_somebody_elses_account(role: str, perm: str, allowed: bool) -> None:
    actor = ROLES[role]()
    other_resident = UserFactory()
    assert actor.has_perm(perm, other_resident) is allowed


# Acting on your own account: anybody signed in, whatever their roles or MFA.
SIGNED_IN = set(ROLES) - {"anonymous"}
OWN_ACCOUNT: dict[str, set[str]] = dict.fromkeys(OWN_ACCOUNT_ACTIONS, SIGNED_IN)


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(OWN_ACCOUNT, OWN_ACCOUNT_ACTIONS))
def test_everybody_signed_in_may_act_on_their_own_account(
    role: str, perm: str, allowed: bool
) -> None:
    actor = ROLES[role]()
    target = actor if actor.is_authenticated else None
    assert actor.has_perm(perm, target) is allowed


# Granting roles is for site admins with two-factor authentication only.
GRANT: dict[str, set[str]] = {"accounts.grant_roles": {"site admin"}}


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(GRANT, ["accounts.grant_roles"]))
def test_only_site_admins_with_mfa_may_grant_roles(role: str, perm: str, allowed: bool) -> None:
    actor = ROLES[role]()
    assert actor.has_perm(perm) is allowed


# The role predicates other apps build on: a role counts only with MFA (moderators need none).
PREDICATES: dict[str, set[str]] = {
    "is_councillor": {"councillor"},
    "is_officer": {"officer"},
    "is_site_admin": {"site admin"},
    "is_moderator": {"moderator", "site admin"},
}


@pytest.mark.parametrize(("role", "predicate", "holds"), _cells(PREDICATES, list(PREDICATES)))
def test_role_predicates_need_mfa_for_councillors_officers_and_admins(
    role: str, predicate: str, holds: bool
) -> None:
    actor = ROLES[role]()
    assert bool(getattr(account_rules, predicate)(actor)) is holds
