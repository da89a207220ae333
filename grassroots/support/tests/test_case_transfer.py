"""Passing an advocacy case to another department: who may, what it changes, bad input.

Decision (least privilege): only officers of the department the case is with may pass it on.
Once passed, the old department's officers no longer see the case; each department's internal
notes stay with the department that wrote them; the reason is in the case's history for all.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.accounts.tests.factories import DepartmentFactory
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.notifications.models import Kind, Notification
from grassroots.support import services
from grassroots.support.models import AdvocacyCase, CaseStatus, CaseTransfer
from grassroots.support.tests.conftest import (
    SUPPORT_CAST,
    build_support_town,
    error_summary,
    post_as,
)
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

REASON = "The gate belongs to a council house garden, so Housing look after it."


def url(case: AdvocacyCase) -> str:
    return reverse("support:case_transfer", kwargs={"pk": case.pk})


@pytest.mark.parametrize("role", SUPPORT_CAST)
def test_only_officers_of_the_cases_department_can_pass_it_on(client: Client, role: str) -> None:
    town = build_support_town()
    case = town.case()
    post_as(
        client, town, role, url(case), {"department": town.other_department.pk, "reason": REASON}
    )
    case.refresh_from_db()
    moved = case.department_id == town.other_department.pk
    assert moved is (role == "officer"), role
    assert CaseTransfer.objects.exists() is moved


def test_passing_a_case_moves_it_tells_people_and_keeps_notes_apart(
    client: Client, town: Town
) -> None:
    case = town.case()
    parks, housing = town.person("officer"), town.person("other officer")
    services.case_move(actor=parks, case=case, status=CaseStatus.ACKNOWLEDGED)
    services.case_message_post(actor=parks, case=case, text="Parks budget note", internal=True)
    services.case_message_post(actor=parks, case=case, text="We think this is Housing's")
    client.force_login(parks)
    page = client.get(reverse("support:case", kwargs={"pk": case.pk})).content.decode()
    assert url(case) in page

    response = client.post(url(case), {"department": town.other_department.pk, "reason": REASON})
    # Parks no longer sees the case, so the officer goes back to their list.
    assert response.status_code == 302
    assert response["Location"] == reverse("support:cases")
    case.refresh_from_db()
    assert case.department == town.other_department
    assert case.status == CaseStatus.RAISED  # Housing acknowledge it afresh
    transfer = CaseTransfer.objects.get()
    assert (transfer.from_department, transfer.to_department) == (
        town.department,
        town.other_department,
    )
    assert transfer.reason == REASON
    assert transfer.by == parks
    entry = AuditEntry.objects.get(action="case.transferred", object_id=str(case.pk))
    assert entry.data["reason"] == REASON
    assert client.get(reverse("support:case", kwargs={"pk": case.pk})).status_code == 404

    told = set(
        Notification.objects.filter(kind=Kind.CASE_UPDATE, text__contains="passed").values_list(
            "recipient", flat=True
        )
    )
    assert told == {housing.pk, town.person("ward councillor").pk, town.lead.pk}

    client.force_login(housing)
    body = client.get(reverse("support:case", kwargs={"pk": case.pk})).content.decode()
    assert "passed from Parks to Housing" in body
    assert REASON in body
    assert "We think this is Housing&#x27;s" in body
    assert "Parks budget note" not in body  # Parks' internal notes stay with Parks
    assert f"/support/cases/{case.pk}/" in client.get(reverse("support:cases")).content.decode()

    client.force_login(town.lead)
    body = client.get(reverse("support:case", kwargs={"pk": case.pk})).content.decode()
    assert REASON in body
    assert "Parks budget note" not in body


BAD_INPUT = [
    pytest.param({}, "Select the department to pass the case to", id="nothing"),
    pytest.param({"reason": REASON}, "Select the department to pass the case to", id="no dept"),
    pytest.param(
        {"department": "same", "reason": REASON},
        "Select one of the other departments of this council",
        id="same department",
    ),
    pytest.param(
        {"department": "999999", "reason": REASON},
        "Select one of the other departments of this council",
        id="unknown department",
    ),
    pytest.param(
        {"department": "elsewhere", "reason": REASON},
        "Select one of the other departments of this council",
        id="another council",
    ),
    pytest.param(
        {"department": "other", "reason": "   "},
        "Enter why you are passing the case on",
        id="no reason",
    ),
    pytest.param(
        {"department": "other", "reason": "x" * 2001},
        "Why you are passing it on must be 2000 characters or fewer",
        id="reason too long",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_changes_nothing(
    client: Client, town: Town, data: dict[str, Any], message: str
) -> None:
    case = town.case()
    ids = {
        "same": town.department.pk,
        "other": town.other_department.pk,
        "elsewhere": DepartmentFactory(name="Far away").pk,
    }
    data = {
        **data,
        **(
            {"department": ids.get(data["department"], data["department"])}
            if "department" in data
            else {}
        ),
    }
    client.force_login(town.person("officer"))
    response = client.post(url(case), data)
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    case.refresh_from_db()
    assert case.department == town.department
    assert not CaseTransfer.objects.exists()


def test_the_service_refuses_what_the_form_cannot_offer(town: Town) -> None:
    case = town.case()
    officer = town.person("officer")
    for department, message in (
        (town.department, "The case is already with Parks"),
        (DepartmentFactory(name="Far away"), "Select a department of the same council"),
    ):
        with pytest.raises(ServiceError) as error:
            services.case_transfer(actor=officer, case=case, department=department, reason=REASON)
        assert error.value.message == message
    with pytest.raises(ServiceError) as error:
        services.case_transfer(
            actor=officer, case=case, department=town.other_department, reason=" "
        )
    assert error.value.message == "Enter why you are passing the case on"
    assert not CaseTransfer.objects.exists()


def test_a_decided_case_cannot_be_passed_on(client: Client, town: Town) -> None:
    case = town.case(status="decided", decision="declined", decision_reasons="No money")
    client.force_login(town.person("officer"))
    page = client.get(reverse("support:case", kwargs={"pk": case.pk})).content.decode()
    assert url(case) not in page
    response = client.post(url(case), {"department": town.other_department.pk, "reason": REASON})
    assert "A decided or closed case cannot be passed on" in error_summary(
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.department == town.department


def test_the_transfer_page_is_not_found_for_people_who_cannot_see_the_case(
    client: Client, town: Town
) -> None:
    case = town.case()
    client.force_login(town.person("other officer"))
    assert client.get(url(case)).status_code == 404
    client.force_login(town.person("ward councillor"))  # sees the case, may not pass it on
    assert client.get(url(case)).status_code == 403


def test_site_admins_see_the_history_in_the_admin(client: Client, town: Town) -> None:
    case = town.case()
    services.case_transfer(
        actor=town.person("officer"), case=case, department=town.other_department, reason=REASON
    )
    client.force_login(town.person("site admin"))
    response = client.get(reverse("admin:support_advocacycase_change", args=[case.pk]))
    assert response.status_code == 200
    assert REASON in response.content.decode()
