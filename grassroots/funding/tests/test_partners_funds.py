"""Funds: who opens one (site admins; council officers for their council; two-factor), the
organisation identifiers, the money put into the ledger in the same transaction, the list and
the fund's page (balances equal to the ledger's sums, the current plan)."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding import ledger, orgids
from grassroots.funding.models import Account, Entry, Fund, PlanAllocation, PlanLine, Transaction
from grassroots.funding.services import partners as services
from grassroots.funding.tests.factories import make_area, make_grant
from grassroots.funding.tests.partners_world import CAST, World, build_world, matrix, only
from grassroots.funding.tests.test_partners_partnerships import expect
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.snapshots import shared_world

pytestmark = pytest.mark.django_db

world_snapshot, world = shared_world(build_world, name="world")


def _client(world: World, name: str) -> Client:
    client = Client()
    if name != "anonymous":
        client.force_login(world.person(name))
    return client


def _form(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Northside Big Local",
        "description": "Ten years of money for Northside.",
        "wards": [str(world.area.wards[0].pk)],
        "partnership": str(world.area.partnership.pk),
        "total": "1,000,000",
        "funder_name": "Local Trust",
        "funder_org_id": "GB-CHC-1147511",
        "holder_name": "Northside Community Trust",
        "holder_org_id": "gb-coh-01234567",
        "starts_on_0": "1",
        "starts_on_1": "4",
        "starts_on_2": "2025",
        "horizon_years": "10",
    }
    data.update(changes)
    return data


def _new_url(world: World) -> str:
    return reverse("funding:fund_new") + f"?council={world.area.council.pk}"


def _ledger_state() -> tuple[int, int, int]:
    return Fund.objects.count(), Transaction.objects.count(), Entry.objects.count()


# --- Who may open a fund -----------------------------------------------------------------------


def test_who_may_open_a_fund_for_the_council(world: World) -> None:
    assert matrix(world, "funding.create_fund", world.area.council) == only("officer", "site admin")
    assert matrix(world, "funding.create_fund", world.other.council) == only("site admin")


@pytest.mark.parametrize("name", CAST)
def test_opening_a_fund_by_page(world: World, name: str) -> None:
    before = _ledger_state()
    response = _client(world, name).post(_new_url(world), _form(world))
    allowed = name in ("officer", "site admin")
    expect(response, name, allowed)
    if not allowed:
        assert _ledger_state() == before
        return
    fund = Fund.objects.get(name="Northside Big Local")
    assert response["Location"] == fund.get_absolute_url()
    assert (fund.total_pence, fund.horizon_years) == (100_000_000, 10)
    assert fund.starts_on == datetime.date(2025, 4, 1)
    assert fund.holder_org_id == "GB-COH-01234567"
    assert list(fund.wards.all()) == [world.area.wards[0]]
    # The ledger holds the money, from the same request.
    balances = ledger.fund_balances(fund)
    assert (balances.total_pence, balances.available_pence) == (100_000_000, 100_000_000)
    assert AuditEntry.objects.filter(action="funding.fund_create", object_id=str(fund.pk)).exists()


def test_an_officer_cannot_open_a_fund_for_another_council(world: World) -> None:
    officer = world.person("officer")
    before = _ledger_state()
    with pytest.raises(PermissionDenied):
        services.fund_create(
            actor=officer,
            council=world.other.council,
            wards=world.other.wards,
            partnership=world.other.partnership,
            name="Elsewhere",
            total_pence=100,
            funder_name="Local Trust",
            funder_org_id="GB-CHC-1147511",
            holder_name="Trust",
            holder_org_id="GB-CHC-1000001",
            starts_on=datetime.date(2025, 1, 1),
            horizon_years=5,
        )
    response = _client(world, "officer").post(
        reverse("funding:fund_new") + f"?council={world.other.council.pk}", _form(world)
    )
    assert response.status_code == 403
    assert _ledger_state() == before


def test_the_ledger_refusing_leaves_no_fund(world: World) -> None:
    before = _ledger_state()
    refusal = ledger.LedgerError("The ledger refused it")
    with mock.patch.object(ledger, "open_fund", side_effect=refusal):
        response = _client(world, "site admin").post(_new_url(world), _form(world))
    assert response.status_code == 200
    assert "The ledger refused it" in response.content.decode()
    assert _ledger_state() == before


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the fund’s name"),
        ({"wards": []}, "Choose at least one ward"),
        ({"wards": ["999999"]}, "Choose wards from the list"),
        ({"partnership": ""}, "Choose the partnership"),
        ({"partnership": "999999"}, "Choose a partnership from the list"),
        ({"total": ""}, "Enter the fund’s total"),
        ({"total": "-5"}, "Enter an amount in pounds"),
        ({"total": "0"}, "at least £0.01"),
        ({"total": "lots"}, "Enter an amount in pounds"),
        ({"total": "10.005"}, "Enter an amount in pounds"),
        ({"funder_name": ""}, "Enter the funder’s name"),
        ({"funder_org_id": ""}, "Enter the funder’s identifier"),
        ({"funder_org_id": "1147511"}, "Start the identifier with the prefix"),
        ({"funder_org_id": "GB-CHC-ABC"}, "does not look like an identifier on the GB-CHC list"),
        ({"holder_org_id": "GB-XYZ-123"}, "Start the identifier with the prefix"),
        ({"holder_org_id": "GB-SC-12345"}, "GB-SC list"),
        ({"holder_name": ""}, "Enter the name of the locally trusted organisation"),
        ({"starts_on_0": "", "starts_on_1": "", "starts_on_2": ""}, "Enter the date"),
        ({"starts_on_0": "31", "starts_on_1": "2"}, "must be a real date"),
        ({"starts_on_2": "1850"}, "between 2000 and 2100"),
        ({"horizon_years": ""}, "Enter how many years"),
        ({"horizon_years": "0"}, "at least 1 year"),
        ({"horizon_years": "26"}, "at most 25 years"),
        ({"horizon_years": "ten"}, "whole number"),
    ],
)
def test_bad_input_opens_nothing(world: World, changes: dict[str, Any], message: str) -> None:
    before = _ledger_state()
    response = _client(world, "site admin").post(_new_url(world), _form(world, **changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert _ledger_state() == before


def test_wards_or_a_partnership_of_another_council_are_refused(world: World) -> None:
    admin = world.person("site admin")
    common: dict[str, Any] = {
        "actor": admin,
        "council": world.area.council,
        "name": "Mixed",
        "total_pence": 100,
        "funder_name": "Local Trust",
        "funder_org_id": "GB-CHC-1147511",
        "holder_name": "Trust",
        "holder_org_id": "GB-CHC-1000001",
        "starts_on": datetime.date(2025, 1, 1),
        "horizon_years": 5,
    }
    before = _ledger_state()
    with pytest.raises(ServiceError, match="Choose wards of"):
        services.fund_create(**common, wards=[WardFactory()], partnership=world.area.partnership)
    with pytest.raises(ServiceError, match="Choose a partnership of a group in"):
        services.fund_create(**common, wards=world.area.wards, partnership=world.other.partnership)
    with pytest.raises(ServiceError, match="between 1 and 25 years"):
        services.fund_create(
            **{**common, "horizon_years": 40},
            wards=world.area.wards,
            partnership=world.area.partnership,
        )
    assert _ledger_state() == before


@pytest.mark.parametrize(
    ("text", "good"),
    [
        ("GB-CHC-1147511", True),
        ("gb-chc-1147511", True),
        ("GB-CHC- 1147511", True),
        ("GB-COH-01234567", True),
        ("GB-COH-SC123456", True),
        ("GB-SC-SC012345", True),
        ("GB-NIC-100123", True),
        ("GB-MPR-IP12345R", True),
        ("GB-LAE-BIR", True),
        ("GB-EDU-123456", True),
        ("XI-IATI-XM-DAC-41114", True),
        ("XI-GRID-grid.1234.5", True),
        ("", False),
        ("1147511", False),
        ("GB-CHC-", False),
        ("GB-CHC-12", False),
        ("GB-COH-1234", False),
        ("GB-SC-12345", False),
        ("GB-LAE-12", False),
        ("GB-ZZZ-1234", False),
        ("US-EIN-123456789", False),
        ("XI-IATI-", False),
        ("360G-local-1", False),
    ],
)
def test_organisation_identifiers_have_the_org_id_shape(text: str, good: bool) -> None:
    assert (orgids.problem(orgids.normalise(text)) is None) is good


# --- The list and the fund's page ----------------------------------------------------------------


def test_the_list_is_public(world: World) -> None:
    body = Client().get(reverse("funding:list")).content.decode()
    assert world.area.fund.name in body
    assert world.other.fund.name in body
    assert "Open a fund" not in body
    assert "Open a fund" in _client(world, "officer").get(reverse("funding:list")).content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_the_list_costs_the_same_whatever_the_number_of_funds(
    world: World, extra: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(extra):
        make_area(years=2)
    with django_assert_max_num_queries(6):
        assert Client().get(reverse("funding:list")).status_code == 200


def test_the_fund_page_shows_balances_equal_to_the_ledger(world: World) -> None:
    area = world.area
    grant = make_grant(area, 2_000_000)  # £20,000 committed
    ledger.pay(grant, 500_000, actor=area.treasurer)
    ledger.take_back(grant, 100_000, actor=area.treasurer)
    body = Client().get(area.fund.get_absolute_url()).content.decode()
    balances = ledger.fund_balances(area.fund)
    sums = {
        account: sum(
            Entry.objects.filter(fund=area.fund, account=account).values_list(
                "amount_pence", flat=True
            )
        )
        for account in Account.values
    }
    assert balances.available_pence == sums["available"] == 10_000_000 - 2_000_000 + 100_000
    assert balances.committed_pence == sums["committed"] == 1_500_000
    assert balances.spent_pence == sums["paid"] + sums["returned"] == 400_000
    assert 'data-balance="total">£100,000<' in body
    assert 'data-balance="available">£81,000<' in body
    assert 'data-balance="committed">£15,000<' in body
    assert 'data-balance="spent">£4,000<' in body
    assert 'data-balance="returned">£1,000<' in body


def test_the_fund_page_shows_the_current_plan_with_totals(world: World) -> None:
    area = world.area
    body = Client().get(area.fund.get_absolute_url()).content.decode()
    assert "The plan (revision 1)" in body
    assert "Green spaces" in body
    assert "Things for young people" in body
    # 5 years of £10,000 for each of two lines: each line £50,000, the plan £100,000.
    assert body.count("data-line-total>£50,000<") == 2
    assert "data-plan-total>£100,000<" in body
    assert "Year 1 (2024 to 2025)" in body
    assert "Year 5 (2028 to 2029)" in body
    assert reverse("funding:plan_history", args=[area.fund.slug]) in body
    assert area.partnership.get_absolute_url() in body
    assert "Revise the plan" not in body
    assert (
        "Revise the plan"
        in _client(world, "treasurer").get(area.fund.get_absolute_url()).content.decode()
    )


def test_an_unknown_fund_is_a_404(world: World) -> None:
    assert Client().get(reverse("funding:fund", args=["no-such-fund"])).status_code == 404


@pytest.mark.parametrize("bigger", [False, True])
def test_the_fund_page_costs_the_same_whatever_the_size_of_the_plan(
    world: World, bigger: bool, django_assert_max_num_queries: Any
) -> None:
    area = world.area
    if bigger:
        for n in range(10):
            line = PlanLine.objects.create(
                revision=area.plan, ref=f"extra-{n}", position=10 + n, title=f"Extra {n}"
            )
            PlanAllocation.objects.bulk_create(
                PlanAllocation(line=line, year=year, amount_pence=0) for year in range(1, 6)
            )
        for _ in range(5):
            make_grant(area, 1000)
        area.fund.wards.add(WardFactory(council=area.council), WardFactory(council=area.council))
    client = _client(world, "chair")
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(14):
        assert client.get(area.fund.get_absolute_url()).status_code == 200
