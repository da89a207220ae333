"""Who may invite, withdraw, accept and turn down: a table of roles by actions, each cell asserted.

On a public and on a safeguarded initiative; the object asked about is the initiative (to
invite) or the invitation of "invitee" (to withdraw, accept or turn down).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grassroots.accounts.tests.factories import make_councillor
from grassroots.initiatives.models import Initiative, Membership, Visibility
from grassroots.initiatives.services import invitations
from grassroots.initiatives.tests.invitations import INSIDERS, INVITATION_ROLES, invitation_town
from grassroots.testing.cast import make_colead
from grassroots.testing.people import with_totp
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

SIGNED_IN = set(INVITATION_ROLES) - {"anonymous"}


def _fresh_initiative(town: Town) -> Initiative:
    return Initiative.objects.get(pk=town.initiative.pk)  # nothing cached from the set-up


def _fresh_invitation(town: Town) -> Membership:
    return town.invitation


# perm: (the object it is asked about; who may on a public one; who may on a safeguarded one).
ACTIONS: dict[str, tuple[Callable[[Town], Any], set[str], set[str]]] = {
    "initiatives.invite_member": (_fresh_initiative, {"lead"}, {"lead"}),
    "initiatives.withdraw_invitation": (_fresh_invitation, {"lead"}, {"lead"}),
    "initiatives.accept_invitation": (_fresh_invitation, {"invitee"}, {"invitee"}),
    "initiatives.decline_invitation": (_fresh_invitation, {"invitee"}, {"invitee"}),
    # What an invitation changes about the initiative itself.
    "initiatives.see_initiative": (_fresh_initiative, set(INVITATION_ROLES), INSIDERS),
    "initiatives.request_membership": (
        _fresh_initiative,
        SIGNED_IN - INSIDERS,
        set(),  # outsiders cannot see it to ask; insiders are in or invited already
    ),
    "initiatives.back": (_fresh_initiative, SIGNED_IN, {"member", "lead"}),
    "initiatives.leave": (_fresh_initiative, {"member", "lead"}, {"member", "lead"}),
}


def _allowed(perm: str, visibility: str) -> set[str]:
    _obj, public, safeguarded = ACTIONS[perm]
    return public if visibility == Visibility.PUBLIC else safeguarded


def _cells(visibility: str) -> list[Any]:
    return [
        pytest.param(
            perm,
            role,
            role in _allowed(perm, visibility),
            id=f"{perm.split('.')[1]}-{role}",
        )
        for perm in ACTIONS
        for role in INVITATION_ROLES
    ]


@pytest.mark.parametrize(("perm", "role", "allowed"), _cells(Visibility.PUBLIC))
def test_who_may_act_on_invitations_to_a_public_initiative(
    perm: str, role: str, allowed: bool
) -> None:
    town = invitation_town(Visibility.PUBLIC)
    obj = ACTIONS[perm][0](town)
    assert town.user(role).has_perm(perm, obj) is allowed


@pytest.mark.parametrize(("perm", "role", "allowed"), _cells(Visibility.SAFEGUARDED))
def test_who_may_act_on_invitations_to_a_safeguarded_initiative(
    perm: str, role: str, allowed: bool
) -> None:
    town = invitation_town(Visibility.SAFEGUARDED)
    obj = ACTIONS[perm][0](town)
    assert town.user(role).has_perm(perm, obj) is allowed


ANSWERED: dict[str, Callable[[Town], Any]] = {
    "accepted": lambda w: invitations.invitation_accept(
        membership=w.invitation, user=w.person("invitee")
    ),
    "turned down": lambda w: invitations.invitation_decline(
        membership=w.invitation, user=w.person("invitee")
    ),
    "withdrawn": lambda w: invitations.invitation_withdraw(membership=w.invitation, actor=w.lead),
}


@pytest.mark.parametrize("answer", list(ANSWERED))
@pytest.mark.parametrize(
    "perm",
    [
        "initiatives.withdraw_invitation",
        "initiatives.accept_invitation",
        "initiatives.decline_invitation",
    ],
)
def test_nobody_may_act_on_an_invitation_once_it_is_answered(answer: str, perm: str) -> None:
    town = invitation_town(Visibility.SAFEGUARDED)
    ANSWERED[answer](town)
    invitation = town.invitation
    assert [r for r in INVITATION_ROLES if town.user(r).has_perm(perm, invitation)] == []


def test_a_lead_elected_for_its_ward_may_not_invite_or_withdraw() -> None:
    """The back seat: a lead who now represents one of its wards loses every lead power."""
    town = invitation_town(Visibility.SAFEGUARDED)
    elected = make_colead(town.initiative)
    with_totp(make_councillor(elected, ward=town.ward))
    assert not elected.has_perm("initiatives.invite_member", _fresh_initiative(town))
    assert not elected.has_perm("initiatives.withdraw_invitation", town.invitation)
