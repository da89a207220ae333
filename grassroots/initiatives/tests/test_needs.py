"""Needs: leads add, change, mark met and reopen them; money is entered in pounds, kept in pence."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.forms import parse_pounds
from grassroots.initiatives.models import Initiative, Need, NeedStatus, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, NeedFactory
from grassroots.initiatives.views import pounds
from grassroots.testing.cast import INITIATIVE_CAST, LEADS

pytestmark = pytest.mark.django_db


def _url(initiative: Initiative, path: str) -> str:
    return f"/initiatives/{initiative.slug}/needs/{path}"


@pytest.fixture
def initiative() -> Initiative:
    return InitiativeFactory()


@pytest.fixture
def lead(client: Client, initiative: Initiative) -> Client:
    client.force_login(initiative.created_by)
    return client


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("250", 25000),
        ("250.50", 25050),
        ("250.5", 25050),
        ("£1,250", 125000),
        (" £ 3.07 ", 307),
        ("0.99", 99),
        ("250.505", None),
        ("2,50", None),
        ("-5", None),
        ("five", None),
        ("1e3", None),
        ("", None),
    ],
)
def test_parse_pounds(typed: str, pence: int | None) -> None:
    assert parse_pounds(typed) == pence


def test_pounds_are_shown_without_needless_pence() -> None:
    assert (pounds(25000), pounds(125050), pounds(7)) == ("£250", "£1,250.50", "£0.07")


def test_a_lead_asks_for_money(lead: Client, initiative: Initiative) -> None:
    response = lead.post(
        _url(initiative, "add/"),
        {"kind": "money", "description": "Bulbs and compost", "amount": "£1,250.50"},
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.kind, need.amount_pence, need.status) == ("money", 125050, NeedStatus.OPEN)
    assert "£1,250.50" in lead.get(initiative.get_absolute_url()).content.decode()


def test_a_lead_asks_for_volunteers(lead: Client, initiative: Initiative) -> None:
    lead.post(
        _url(initiative, "add/"),
        {
            "kind": "volunteers",
            "description": "Diggers",
            "volunteers_wanted": "6",
            "when": "Saturday mornings in May",
            "amount": "40",  # belongs to money needs only: ignored
        },
    )
    need = Need.objects.get()
    assert (need.volunteers_wanted, need.when, need.amount_pence) == (
        6,
        "Saturday mornings in May",
        None,
    )
    assert (
        "6 volunteers, Saturday mornings in May"
        in lead.get(initiative.get_absolute_url()).content.decode()
    )


def test_a_lead_changes_marks_met_and_reopens_a_need(lead: Client, initiative: Initiative) -> None:
    need = NeedFactory(initiative=initiative)
    body = lead.get(_url(initiative, f"{need.pk}/edit/")).content.decode()
    assert "Spades and gloves" in body
    lead.post(
        _url(initiative, f"{need.pk}/edit/"),
        {"kind": "money", "description": "Spades", "amount": "80"},
    )
    need.refresh_from_db()
    assert (need.kind, need.amount_pence) == ("money", 8000)
    assert "80.00" in lead.get(_url(initiative, f"{need.pk}/edit/")).content.decode()
    lead.post(_url(initiative, f"{need.pk}/met/"))
    need.refresh_from_db()
    assert need.status == NeedStatus.MET
    assert need.met_at is not None
    lead.post(_url(initiative, f"{need.pk}/reopen/"))
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert need.met_at is None


BAD_INPUT = [
    pytest.param({"kind": ""}, "kind", "Choose what you need", id="no kind"),
    pytest.param({"kind": "unicorns"}, "kind", "Choose what you need", id="made-up kind"),
    pytest.param({"description": ""}, "description", "Enter the details", id="no details"),
    pytest.param(
        {"description": "x" * 2001},
        "description",
        "Details must be 2,000 characters or fewer",
        id="long details",
    ),
    pytest.param(
        {"kind": "money", "amount": ""}, "amount", "Enter how much money you need", id="no amount"
    ),
    pytest.param(
        {"kind": "money", "amount": "lots"},
        "amount",
        "Enter an amount in pounds, like 250 or 250.50",
        id="amount in words",
    ),
    pytest.param(
        {"kind": "money", "amount": "12.345"},
        "amount",
        "Enter an amount in pounds, like 250 or 250.50",
        id="fractions of a penny",
    ),
    pytest.param(
        {"kind": "money", "amount": "0"}, "amount", "Enter an amount more than £0", id="nothing"
    ),
    pytest.param(
        {"kind": "money", "amount": "99999999999"},
        "amount",
        "Amount must be £10,000,000 or less",
        id="too much",
    ),
    pytest.param(
        {"kind": "volunteers", "volunteers_wanted": ""},
        "volunteers_wanted",
        "Enter how many volunteers you need",
        id="no count",
    ),
    pytest.param(
        {"kind": "volunteers", "volunteers_wanted": "0"},
        "volunteers_wanted",
        "Enter how many volunteers, at least 1",
        id="zero volunteers",
    ),
    pytest.param(
        {"kind": "volunteers", "volunteers_wanted": "six"},
        "volunteers_wanted",
        "Enter how many volunteers as a number",
        id="count in words",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_nothing_is_saved(
    lead: Client, initiative: Initiative, change: dict[str, Any], field: str, message: str
) -> None:
    data = {"kind": "equipment", "description": "Spades", "amount": "", "volunteers_wanted": ""}
    data.update(change)
    for url in (
        _url(initiative, "add/"),
        _url(initiative, f"{NeedFactory(initiative=initiative).pk}/edit/"),
    ):
        response = lead.post(url, data)
        assert response.status_code == 200
        body = response.content.decode()
        assert re.search(rf'href="#id_{field}(_0)?"', body)  # a group links to its first option
        assert message in body
    assert list(Need.objects.values_list("description", flat=True)) == ["Spades and gloves"]


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_only_leads_manage_needs(role: str, initiative: Initiative) -> None:
    need = NeedFactory(initiative=initiative)
    actor = INITIATIVE_CAST[role](initiative)
    client = Client()
    if actor.is_authenticated:
        client.force_login(actor)
    responses = [
        client.post(_url(initiative, "add/"), {"kind": "venue", "description": "A hall"}),
        client.post(
            _url(initiative, f"{need.pk}/edit/"), {"kind": "venue", "description": "Changed"}
        ),
        client.post(_url(initiative, f"{need.pk}/met/")),
    ]
    need.refresh_from_db()
    if role in LEADS:
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert Need.objects.count() == 2
        assert (need.description, need.status) == ("Changed", NeedStatus.MET)
    else:
        denied = 302 if role == "anonymous" else 403
        assert [r.status_code for r in responses] == [denied] * 3
        assert Need.objects.count() == 1
        assert (need.description, need.status) == ("Spades and gloves", NeedStatus.OPEN)


def test_a_need_of_another_initiative_is_not_found(lead: Client, initiative: Initiative) -> None:
    other = NeedFactory()
    assert lead.post(_url(initiative, f"{other.pk}/met/")).status_code == 404
    other.refresh_from_db()
    assert other.status == NeedStatus.OPEN


def test_needs_of_a_safeguarded_initiative_are_404_for_outsiders(client: Client) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    need = NeedFactory(initiative=initiative)
    client.force_login(UserFactory())
    assert client.post(_url(initiative, f"{need.pk}/met/")).status_code == 404
    assert client.get(_url(initiative, "add/")).status_code == 404
