"""'Your advocacy cases': each person sees the cases they work on, and no others."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from grassroots.support import services
from grassroots.support.models import AdvocacyCase, CaseStatus, Decision
from grassroots.support.tests.conftest import SUPPORT_CAST
from grassroots.testing.worlds import Town

URL = "/support/cases/"

# Who sees the town's case (Parks department, raised by the ward councillor, on the lead's
# initiative) in their list.
SEES_CASE = {"lead", "ward councillor", "officer"}


@pytest.mark.parametrize("role", SUPPORT_CAST)
def test_only_the_people_working_on_a_case_see_it_listed(
    client: Client, town: Town, role: str
) -> None:
    case = town.case()
    user = town.user(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(URL)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return
    if role == "ward councillor without MFA":
        # Sent to set up two-factor authentication before using the role at all.
        assert response.status_code == 302
        assert "/accounts/2fa/" in response["Location"]
        return
    assert response.status_code == 200
    listed = f'href="/support/cases/{case.pk}/"' in response.content.decode()
    assert listed is (role in SEES_CASE), role


def test_the_filters_choose_open_overdue_or_decided_cases(client: Client, town: Town) -> None:
    open_case = town.case(ask="Open one")
    overdue = town.case(ask="Late one", wanted_by=timezone.localdate() - datetime.timedelta(days=1))
    decided = town.case(
        ask="Decided one",
        status=CaseStatus.DECIDED,
        decision=Decision.AGREED,
        decision_reasons="Budget found",
    )
    client.force_login(town.person("officer"))

    def listed(show: str) -> set[int]:
        body = client.get(URL, {"show": show}).content.decode()
        return {c.pk for c in (open_case, overdue, decided) if f"/support/cases/{c.pk}/" in body}

    assert listed("open") == {open_case.pk, overdue.pk}
    assert listed("overdue") == {overdue.pk}
    assert listed("decided") == {decided.pk}
    assert listed("all") == {open_case.pk, overdue.pk, decided.pk}
    assert listed("<script>") == {open_case.pk, overdue.pk}  # unknown filter: open cases


def test_the_list_costs_the_same_queries_for_many_cases(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    for n in range(25):
        town.case(ask=f"Case {n}")
    client.force_login(town.person("officer"))
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.content.decode().count('href="/support/cases/') == 25


def test_a_case_past_its_date_is_overdue_before_the_daily_job_has_run(
    client: Client, town: Town
) -> None:
    # Wanted by 24 November, still open on 4 December: overdue, flagged by the job or not.
    with freeze_time("2026-11-01 10:00"):
        late = town.case(ask="Late one", wanted_by=datetime.date(2026, 11, 24))
        due_today = town.case(ask="Due today", wanted_by=datetime.date(2026, 12, 4))
        town.case(
            ask="Decided late",
            wanted_by=datetime.date(2026, 11, 20),
            status=CaseStatus.DECIDED,
            decision=Decision.AGREED,
            decision_reasons="Budget found",
        )
    # Just after midnight in London on 4 December (still 3 December nowhere that matters).
    with freeze_time("2026-12-04 00:30"):
        assert set(AdvocacyCase.objects.overdue()) == {late}
        client.force_login(town.person("officer"))
        body = client.get(URL, {"show": "overdue"}).content.decode()
        assert f"/support/cases/{late.pk}/" in body
        assert f"/support/cases/{due_today.pk}/" not in body
        assert "Decided late" not in body
        assert 'govuk-tag--red">Overdue' in body
        # The daily job flags exactly the cases the filter shows.
        assert services.cases_flag_overdue() == 1
        late.refresh_from_db()
        assert late.overdue_flagged_at is not None


def test_the_overdue_day_is_the_day_in_london(town: Town) -> None:
    case = town.case(wanted_by=datetime.date(2026, 6, 24))
    # 23:30 UTC on 24 June is already 25 June in London (summer time): overdue.
    with freeze_time("2026-06-24 23:30"):
        assert list(AdvocacyCase.objects.overdue()) == [case]
        assert case.is_overdue()
    with freeze_time("2026-06-24 22:30"):
        assert not AdvocacyCase.objects.overdue().exists()
        assert not case.is_overdue()
