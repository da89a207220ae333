"""Downloading everything we hold about you, as JSON."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.tests.conftest import sign_in
from grassroots.accounts.tests.factories import UserFactory, make_councillor, make_officer
from grassroots.core.audit import audit_record
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

DOWNLOAD = "/account/download"


@pytest.fixture
def resident(client: Client) -> User:
    ward = WardFactory(name="Riverside")
    user = UserFactory(
        email="sam@example.org", display_name="Sam Jones", postcode="GR1 1AA", ward=ward
    )
    sign_in(client, user)
    return user


def test_it_asks_you_to_confirm_your_password_first(client: Client, resident: User) -> None:
    response = client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=%2Faccount%2Fdownload")


def test_confirming_your_password_takes_you_on_to_the_download(
    client: Client, resident: User
) -> None:
    response = client.post(
        "/accounts/reauthenticate/?next=/account/download",
        {"password": "correct horse battery staple", "next": DOWNLOAD},
    )
    assert response.status_code == 302
    assert response["Location"] == DOWNLOAD


def test_the_download_is_a_json_attachment_with_your_data(
    client: Client,
    resident: User,
    reauthenticate: Callable[[], None],
    mfa_totp: Callable[[User], str],
) -> None:
    make_councillor(resident, ward=WardFactory(name="Hillside"))
    make_officer(resident)
    mfa_totp(resident)
    ward = resident.ward
    assert ward is not None
    audit_record(actor=resident, action="initiative.created", obj=ward, summary="Litter pick")
    someone_else = UserFactory(email="other@example.org")
    audit_record(actor=someone_else, action="initiative.created", obj=ward, summary="Not mine")
    reauthenticate()

    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="grassroots-my-data-{today:%Y-%m-%d}.json"'
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == "sam@example.org"
    assert data["account"]["display_name"] == "Sam Jones"
    assert data["account"]["postcode"] == "GR1 1AA"
    assert data["account"]["ward"] == "Riverside"
    assert datetime.datetime.fromisoformat(data["exported_at"])
    assert data["email_addresses"] == [
        {"email": "sam@example.org", "verified": True, "primary": True}
    ]
    assert [m["type"] for m in data["two_factor_methods"]] == ["totp"]
    assert "secret" not in json.dumps(data["two_factor_methods"])
    assert data["roles"]["councillor"][0]["ward"] == "Hillside"
    assert data["roles"]["officer"][0]["job_title"] == "Officer"
    assert data["roles"]["moderator"] is False
    assert data["roles"]["editor"] is False
    summaries = [a["summary"] for a in data["activity"]]
    assert "Litter pick" in summaries
    assert "Not mine" not in summaries
    assert "other@example.org" not in response.content.decode()


def test_the_download_costs_a_fixed_number_of_queries(
    client: Client,
    resident: User,
    reauthenticate: Callable[[], None],
    django_assert_max_num_queries: Any,
) -> None:
    ward = resident.ward
    assert ward is not None
    for n in range(30):
        audit_record(actor=resident, action="initiative.updated", obj=ward, summary=f"Update {n}")
    reauthenticate()
    # +4: the guide's pages done, reflections and self-assessments, and offers of help.
    with django_assert_max_num_queries(16):
        assert client.get(DOWNLOAD).status_code == 200


def test_the_account_page_links_to_the_download(client: Client, resident: User) -> None:
    assert f'href="{DOWNLOAD}"' in client.get("/account/").content.decode()
