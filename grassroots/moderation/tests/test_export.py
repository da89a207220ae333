"""Site admins export the moderation audit log as CSV, after confirming their password."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import PASSWORD
from grassroots.core.models import AuditEntry
from grassroots.moderation.tests.factories import MODERATION_CAST, login, report_as
from grassroots.testing.worlds import Town

URL = "/moderation/audit/export/"


def reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def today_range() -> dict[str, str]:
    today = timezone.localdate()
    parts = [str(today.day), str(today.month), str(today.year)]
    return {
        "date_from_0": parts[0],
        "date_from_1": parts[1],
        "date_from_2": parts[2],
        "date_to_0": parts[0],
        "date_to_1": parts[1],
        "date_to_2": parts[2],
    }


def test_a_site_admin_downloads_the_moderation_log(client: Client, town: Town) -> None:
    report_as(town.person("resident"), town.post(), "abuse")
    report_as(town.person("resident"), town.events["ward"], "safeguarding", "Private worry")
    AuditEntry.objects.create(
        action="initiatives.edit", object_type="x", object_id="1", summary="Not ours"
    )
    login(client, town, "site admin")
    first = client.get(URL)
    assert first.status_code == 302
    assert "/accounts/reauthenticate/" in first["Location"]
    reauthenticate(client)
    assert client.get(URL).status_code == 200
    response = client.post(URL, today_range())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["When (Europe/London)", "Who", "Action"]
    actions = [row[2] for row in rows[1:]]
    # Taking the copy is recorded first, so it appears in the copy itself.
    assert actions == [
        "moderation.report_create",
        "moderation.concern_create",
        "moderation.audit_export",
    ]
    assert "Not ours" not in text
    assert "Private worry" not in text  # the audit line names the concern, not its details
    assert AuditEntry.objects.filter(action="moderation.audit_export").count() == 1


@pytest.mark.parametrize("role", [r for r in MODERATION_CAST if r != "site admin"])
def test_nobody_else_may_export(client: Client, town: Town, role: str) -> None:
    user = login(client, town, role)
    response = client.post(URL, today_range())
    if user.is_authenticated and role != "site admin without MFA":
        reauthenticate(client)
        response = client.post(URL, today_range())
        assert response.status_code == 403
    else:
        assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="moderation.audit_export").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date_from_0": ""}, "From date must include a day"),
        ({"date_to_1": "13"}, "To date must be a real date"),
        ({"date_from_2": "2999"}, "From date must be today or in the past"),
        ({"date_from_0": "", "date_from_1": "", "date_from_2": ""}, "Enter the date to start from"),
    ],
)
def test_bad_dates_get_a_clear_message(
    client: Client, town: Town, change: dict[str, str], message: str
) -> None:
    login(client, town, "site admin")
    reauthenticate(client)
    response = client.post(URL, {**today_range(), **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="moderation.audit_export").exists()


def test_an_end_before_the_start_is_refused(client: Client, town: Town) -> None:
    login(client, town, "site admin")
    reauthenticate(client)
    data = {**today_range(), "date_to_2": "2020"}
    response = client.post(URL, data)
    assert "To date must be the same as or after the from date" in response.content.decode()
