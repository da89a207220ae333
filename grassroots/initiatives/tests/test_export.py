"""CSV export of the (filtered) list: what the reader may see, and no personal data."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

URL = "/initiatives/export.csv"


def rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_a_wards_initiatives(client: Client) -> None:
    ward = WardFactory(name="Old Town")
    initiative = InitiativeFactory(title="Market stalls", wards=[ward], theme="tourism")
    BackingFactory.create_batch(2, initiative=initiative)
    NeedFactory(initiative=initiative)
    InitiativeFactory(title="Elsewhere")
    (row,) = rows(client.get(URL, {"ward": ward.pk}))
    assert row["Title"] == "Market stalls"
    assert row["Web page"] == f"http://testserver{initiative.get_absolute_url()}"
    assert row["Theme"] == "Tourism and local economy"
    assert row["Wards"] == "Old Town"
    assert row["Councils"] == ward.council.name
    assert (row["Backers"], row["Open needs"]) == ("2", "1")


def test_it_has_no_personal_data(client: Client) -> None:
    lead = UserFactory(email="lead@example.org", postcode="AB1 2CD")
    InitiativeFactory(created_by=lead)
    response: Any = client.get(URL)
    text = b"".join(response.streaming_content).decode()
    assert "lead@example.org" not in text
    assert "AB1 2CD" not in text
    assert "@" not in text


def test_anonymous_people_get_public_initiatives_only(client: Client) -> None:
    InitiativeFactory(title="Public one")
    hidden = InitiativeFactory(title="Hidden one", visibility=Visibility.SAFEGUARDED)
    assert [r["Title"] for r in rows(client.get(URL))] == ["Public one"]
    client.force_login(UserFactory())
    assert [r["Title"] for r in rows(client.get(URL))] == ["Public one"]
    client.force_login(MembershipFactory(initiative=hidden).user)
    assert sorted(r["Title"] for r in rows(client.get(URL))) == ["Hidden one", "Public one"]


def test_cells_are_never_run_as_spreadsheet_formulas(client: Client) -> None:
    InitiativeFactory(title='=HYPERLINK("http://evil.example")')
    (row,) = rows(client.get(URL))
    assert row["Title"].startswith("'=")


def test_bad_filters_are_ignored_not_an_error(client: Client) -> None:
    InitiativeFactory(title="Kept")
    assert [r["Title"] for r in rows(client.get(URL, {"ward": "x", "theme": "?"}))] == ["Kept"]


def test_the_export_runs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    wards = WardFactory.create_batch(2)
    for _ in range(40):
        BackingFactory(initiative=InitiativeFactory(wards=wards))
    with django_assert_max_num_queries(3):
        assert len(rows(client.get(URL))) == 40
