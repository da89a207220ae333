"""Who may do what with councillor support: a table of roles by actions, each cell asserted."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from grassroots.accounts.tests.factories import OfficerPostFactory
from grassroots.initiatives.models import MemberRole, Membership, MembershipStatus, Visibility
from grassroots.support.models import SupportKind, SupportStatus
from grassroots.support.tests.conftest import SUPPORT_CAST, build_support_town
from grassroots.testing.people import with_totp
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

CASE_PARTIES = {"ward councillor", "lead", "officer"}

# perm: (the object it is asked about, built in the right state; the roles that may).
ACTIONS: dict[str, tuple[Callable[[Town], Any], set[str]]] = {
    "support.offer_support": (lambda w: w.initiative, {"ward councillor", "invited councillor"}),
    "support.withdraw_support": (lambda w: w.support(), {"ward councillor"}),
    "support.decide_support": (lambda w: w.support(), {"lead"}),
    "support.move_support": (
        lambda w: w.support(status=SupportStatus.PLANNED),
        {"ward councillor", "lead"},
    ),
    "support.give_feedback": (lambda w: w.support(status=SupportStatus.DONE), {"lead"}),
    "support.invite_councillor": (lambda w: w.initiative, {"lead"}),
    "support.ask_for_help": (lambda w: w.initiative, {"lead"}),
    "support.take_help_request": (lambda w: w.help_request(), {"ward councillor"}),
    "support.withdraw_help_request": (lambda w: w.help_request(), {"lead"}),
    "support.open_case": (
        lambda w: w.support(status=SupportStatus.PLANNED, kind=SupportKind.ADVOCATE),
        {"ward councillor"},
    ),
    "support.move_case": (lambda w: w.case(), {"officer"}),
    "support.decide_case": (lambda w: w.case(), {"officer"}),
    "support.post_case_message": (lambda w: w.case(), CASE_PARTIES),
    "support.post_internal_note": (lambda w: w.case(), {"officer"}),
    "support.view_case": (lambda w: w.case(), CASE_PARTIES),
    "support.view_internal_notes": (lambda w: w.case(), {"officer"}),
    "support.transfer_case": (lambda w: w.case(), {"officer"}),
    "support.view_help_inbox": (
        lambda w: None,
        {"ward councillor", "other councillor", "invited councillor"},
    ),
}


@pytest.mark.parametrize(
    ("perm", "role"),
    [pytest.param(perm, role, id=f"{perm}-{role}") for perm in ACTIONS for role in SUPPORT_CAST],
)
def test_permission_matrix(perm: str, role: str) -> None:
    town = build_support_town()
    make_obj, allowed = ACTIONS[perm]
    obj = make_obj(town)
    assert town.user(role).has_perm(perm, obj) is (role in allowed)


@pytest.mark.parametrize(
    ("perm", "role"),
    [
        ("support.offer_support", "ward councillor"),
        ("support.take_help_request", "ward councillor"),
        ("support.offer_support", "invited councillor"),
    ],
)
def test_a_councillor_cannot_act_on_a_safeguarded_initiative_they_cannot_see(
    perm: str, role: str
) -> None:
    town = build_support_town()
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    # The invitation is what lets the invited councillor see it: take it away.
    town.initiative.invitations.all().delete()
    request = town.help_request(status="withdrawn")
    obj = request if perm == "support.take_help_request" else town.initiative
    assert town.user(role).has_perm(perm, obj) is False


def test_a_ward_councillor_sees_a_safeguarded_request_while_it_waits() -> None:
    town = build_support_town()
    town.initiative.visibility = Visibility.SAFEGUARDED
    town.initiative.save(update_fields=["visibility"])
    request = town.help_request()
    assert town.person("ward councillor").has_perm("support.take_help_request", request)


def test_a_councillor_who_leads_the_initiative_cannot_offer_support_to_it() -> None:
    town = build_support_town()
    Membership.objects.create(
        initiative=town.initiative,
        user=town.person("invited councillor"),
        role=MemberRole.LEAD,
        status=MembershipStatus.APPROVED,
    )
    assert not town.person("invited councillor").has_perm("support.offer_support", town.initiative)


def test_a_former_officer_of_the_department_cannot_see_the_case() -> None:

    town = build_support_town()
    case = town.case()
    former = with_totp(
        OfficerPostFactory(
            department=town.department,
            starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2021, 1, 1),
        ).user
    )
    OfficerPostFactory(user=former, department=town.other_department)
    assert not former.has_perm("support.view_case", case)
