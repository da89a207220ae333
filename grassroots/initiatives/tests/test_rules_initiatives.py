"""Who may do what with an initiative: a table of roles by actions, each cell asserted."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.initiatives.models import Initiative, Stage, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.testing.cast import INITIATIVE_CAST, LEADS, MEMBERS, SIGNED_IN

pytestmark = pytest.mark.django_db

ELECTED = "lead since elected for this ward"
COUNCILLORS_OF_THIS_WARD = {
    "councillor of this ward",
    "councillor of this ward who is a member",
    ELECTED,
}

# Actions on a public initiative at the "idea" stage.
PUBLIC: dict[str, set[str]] = {
    "initiatives.see_initiative": set(INITIATIVE_CAST),
    "initiatives.edit_initiative": LEADS,
    "initiatives.change_stage": LEADS,
    "initiatives.decide_membership": LEADS,
    "initiatives.make_lead": LEADS,
    "initiatives.step_down": LEADS | {ELECTED},
    "initiatives.request_membership": SIGNED_IN - MEMBERS - {"asked to join"},
    "initiatives.leave": MEMBERS,
    "initiatives.back": SIGNED_IN,
    "initiatives.manage_needs": LEADS,
    "initiatives.post_update": MEMBERS,
    "initiatives.manage_milestones": MEMBERS,
    "initiatives.record_outcome": set(),  # not achieved yet
    "initiatives.be_lead": SIGNED_IN - COUNCILLORS_OF_THIS_WARD,
}

# A safeguarded initiative: outsiders may not even know it exists.
SAFEGUARDED: dict[str, set[str]] = {
    **PUBLIC,
    "initiatives.see_initiative": MEMBERS,
    "initiatives.request_membership": set(),
    "initiatives.back": MEMBERS,
}

ACHIEVED: dict[str, set[str]] = {"initiatives.record_outcome": LEADS}


def _cells(table: dict[str, set[str]]) -> list[Any]:
    return [
        pytest.param(role, perm, role in allowed, id=f"{perm.split('.')[1]}-{role}")
        for perm, allowed in table.items()
        for role in INITIATIVE_CAST
    ]


def _check(initiative: Initiative, role: str, perm: str, allowed: bool) -> None:
    actor = INITIATIVE_CAST[role](initiative)
    fresh = Initiative.objects.get(pk=initiative.pk)  # nothing cached from building the roles
    assert actor.has_perm(perm, fresh) is allowed


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(PUBLIC))
def test_who_may_act_on_a_public_initiative(role: str, perm: str, allowed: bool) -> None:
    _check(InitiativeFactory(), role, perm, allowed)


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(SAFEGUARDED))
def test_who_may_act_on_a_safeguarded_initiative(role: str, perm: str, allowed: bool) -> None:
    _check(InitiativeFactory(visibility=Visibility.SAFEGUARDED), role, perm, allowed)


@pytest.mark.parametrize(("role", "perm", "allowed"), _cells(ACHIEVED))
def test_only_leads_record_the_outcome_of_an_achieved_initiative(
    role: str, perm: str, allowed: bool
) -> None:
    _check(InitiativeFactory(stage=Stage.ACHIEVED), role, perm, allowed)


@pytest.mark.parametrize(
    ("role", "allowed"), [pytest.param(r, r in SIGNED_IN, id=r) for r in INITIATIVE_CAST]
)
def test_anybody_signed_in_may_start_an_initiative(role: str, allowed: bool) -> None:
    actor = INITIATIVE_CAST[role](InitiativeFactory())
    assert actor.has_perm("initiatives.create_initiative") is allowed
