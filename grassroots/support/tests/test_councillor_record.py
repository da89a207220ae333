"""The councillor's public record: support by kind, help taken, cases, residents' feedback."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.support.models import HelpRequest, Support, SupportKind, SupportStatus
from grassroots.support.selectors import councillor_record
from grassroots.support.templatetags.support_tags import duration
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _taken_after(town: Town, hours: float, **initiative: Any) -> Support:
    target = InitiativeFactory(wards=[town.ward], **initiative)
    created = timezone.now() - datetime.timedelta(days=10)
    request = HelpRequest.objects.create(
        initiative=target,
        kind=SupportKind.CONNECT,
        message="Help",
        requested_by=target.created_by,
        status="taken",
        taken_by=town.councillor(),
        taken_at=created + datetime.timedelta(hours=hours),
    )
    HelpRequest.objects.filter(pk=request.pk).update(created_at=created)
    return town.support(
        status=SupportStatus.PLANNED,
        initiative=target,
        kind=SupportKind.CONNECT,
        help_request=request,
    )


def test_the_median_time_to_take_a_request(town: Town) -> None:
    for hours in (1, 5, 30):
        _taken_after(town, hours)
    record = councillor_record(UserFactory(), town.councillor())
    assert record.requests_taken == 3
    assert record.median_wait == datetime.timedelta(hours=5)
    for hours in (2,):
        _taken_after(town, hours)
    record = councillor_record(UserFactory(), town.councillor())
    assert record.median_wait == datetime.timedelta(hours=3.5)


def test_durations_read_plainly() -> None:
    assert duration(datetime.timedelta(minutes=20)) == "under an hour"
    assert duration(datetime.timedelta(hours=3, minutes=30)) == "3 hours"
    assert duration(datetime.timedelta(days=2, hours=1)) == "2 days 1 hour"


def test_support_by_kind_counts_only_accepted_support(town: Town) -> None:
    town.support(status=SupportStatus.PLANNED, kind=SupportKind.FACILITATE)
    town.support(status=SupportStatus.DONE, kind=SupportKind.FACILITATE)
    town.support(status=SupportStatus.IN_PROGRESS, kind=SupportKind.ADVOCATE)
    town.support(status=SupportStatus.OFFERED, kind=SupportKind.CONNECT)
    town.support(status=SupportStatus.DECLINED, kind=SupportKind.CONNECT)
    record = councillor_record(None, town.councillor())
    assert dict(record.by_kind) == {"Facilitate": 2, "Connect": 0, "Advocate": 1}
    assert record.total == 3


def test_safeguarded_support_never_counts_for_outsiders(client: Client, town: Town) -> None:
    public = town.support(status=SupportStatus.DONE, helped="yes", feedback="Public thanks")
    secret_initiative = InitiativeFactory(
        title="Refuge support group", visibility=Visibility.SAFEGUARDED, wards=[town.ward]
    )
    town.support(
        status=SupportStatus.DONE,
        initiative=secret_initiative,
        kind=SupportKind.CONNECT,
        helped="no",
        feedback="Secret feedback",
    )
    _taken_after(town, 4, visibility=Visibility.SAFEGUARDED, title="Secret request")
    secret_case = town.case()
    secret_case.support.initiative = secret_initiative
    secret_case.support.save(update_fields=["initiative"])

    for viewer in (None, UserFactory(), town.person("other councillor"), town.person("officer")):
        record = councillor_record(viewer, town.councillor())
        assert dict(record.by_kind) == {"Facilitate": 1, "Connect": 0, "Advocate": 0}
        assert dict(record.helped) == {"Yes": 1, "Partly": 0, "No": 0}
        assert record.requests_taken == 0
        assert record.cases == []
        assert [s.pk for s in record.feedback] == [public.pk]

    body = client.get(town.councillor().get_absolute_url()).content.decode()
    assert "Public thanks" in body
    assert "Refuge support group" not in body
    assert "Secret feedback" not in body

    # Its own members see it counted.
    insider = councillor_record(secret_initiative.created_by, town.councillor())
    assert dict(insider.by_kind)["Connect"] == 1
    assert dict(insider.helped)["No"] == 1


def test_the_page_shows_cases_and_their_outcomes(client: Client, town: Town) -> None:
    town.case(status="decided", decision="agreed", decision_reasons="Budget found")
    town.case()
    body = client.get(town.councillor().get_absolute_url()).content.decode()
    assert "Record of support" in body
    assert "Riverside garden: Parks" in body
    assert "Agreed" in body
    assert "Not decided yet" in body


def test_the_councillor_page_costs_a_bounded_number_of_queries(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        target = InitiativeFactory(wards=[town.ward])
        town.support(
            status=SupportStatus.DONE,
            initiative=target,
            kind=[SupportKind.FACILITATE, SupportKind.CONNECT][n % 2],
            helped="yes",
            feedback=f"Thanks {n}",
        )
        _taken_after(town, n + 1)
        town.case()
    url = town.councillor().get_absolute_url()
    # One more than the record itself: the councillor's coming surgeries (events).
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("Thanks ") == 12
    viewer = UserFactory()
    client.force_login(viewer)
    with django_assert_max_num_queries(13):
        client.get(url)
