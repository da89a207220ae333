"""'Help requests in your wards': a councillor's list of the requests across every ward they
represent, oldest waiting first, and the ones taken lately."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory
from grassroots.support import services
from grassroots.support.models import HelpRequest
from grassroots.support.tests.conftest import SUPPORT_CAST
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

URL = "/support/help-requests/"
COUNCILLORS = {"ward councillor", "other councillor", "invited councillor"}


def ask(town: Town, initiative: Initiative, message: str) -> HelpRequest:
    return services.help_request_create(
        actor=initiative.created_by, initiative=initiative, kind="connect", message=message
    )


@pytest.mark.parametrize("role", SUPPORT_CAST)
def test_only_councillors_have_the_list(client: Client, town: Town, role: str) -> None:
    user = town.user(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(URL)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role == "ward councillor without MFA":
        assert response.status_code == 302
        assert "/accounts/2fa/" in response["Location"]
    elif role in COUNCILLORS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_it_lists_requests_from_every_ward_oldest_first(client: Client, town: Town) -> None:
    councillor = town.councillor()
    third_ward = WardFactory(name="Meadow", council=town.ward.council)
    CouncillorTermFactory(councillor=councillor, ward=third_ward)
    meadow = InitiativeFactory(title="Meadow orchard", wards=[third_ward])
    with freeze_time("2026-11-30 09:00"):  # a Monday
        older = ask(town, meadow, "Who owns the field?")
    with freeze_time("2026-12-02 09:00"):
        newer = ask(town, town.initiative, "Who looks after the park?")
        elsewhere = ask(town, town.other_initiative, "Who runs the choir hall?")
    with freeze_time("2026-12-03 10:00"):
        client.force_login(town.person("ward councillor"))
        body = client.get(URL).content.decode()
    assert body.index("Who owns the field?") < body.index("Who looks after the park?")
    assert "Waiting 3 working days" in body
    assert "Waiting 1 working day<" in body
    assert "Who runs the choir hall?" not in body  # another ward's request
    assert reverse("support:take", kwargs={"pk": older.pk}) in body
    assert reverse("support:take", kwargs={"pk": newer.pk}) in body
    assert reverse("support:take", kwargs={"pk": elsewhere.pk}) not in body
    assert "Meadow</span>" in body  # which of the councillor's wards it is in


def test_taken_requests_show_for_a_month_and_withdrawn_ones_never(
    client: Client, town: Town
) -> None:
    colleague = town.person("ward councillor")
    with freeze_time("2026-10-01 09:00"):
        old = ask(town, town.initiative, "An old question")
        services.help_request_take(actor=colleague, help_request=old)
    with freeze_time("2026-12-01 09:00"):
        recent = ask(town, town.initiative, "A recent question")
        services.help_request_take(actor=colleague, help_request=recent, description="On it")
        gone = ask(town, town.initiative, "A withdrawn question")
        services.help_request_withdraw(actor=town.lead, help_request=gone)
    with freeze_time("2026-12-04 09:00"):
        client.force_login(town.person("ward councillor"))
        body = client.get(URL).content.decode()
    taken = body[body.index("Taken recently") :]
    assert f"Taken by {town.councillor().name} on 1 December 2026" in taken
    assert "An old question" not in body
    assert "A withdrawn question" not in body
    assert "No help requests are waiting in your wards." in body


def test_a_safeguarded_request_shows_only_to_its_ward_councillors(
    client: Client, town: Town
) -> None:
    private = InitiativeFactory(
        title="Safe space", wards=[town.ward], visibility=Visibility.SAFEGUARDED
    )
    ask(town, private, "We need a room nobody can see into")
    hidden = InitiativeFactory(title="Hidden one", wards=[town.ward])
    ask(town, hidden, "Hidden question")
    Initiative.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    client.force_login(town.person("ward councillor"))
    assert "Safe space" in client.get(URL).content.decode()
    for role in ("other councillor", "invited councillor"):
        client.force_login(town.person(role))
        body = client.get(URL).content.decode()
        assert "Safe space" not in body, role
    client.force_login(town.person("ward councillor"))
    assert "Hidden one" not in client.get(URL).content.decode()


def test_the_list_costs_the_same_queries_for_many_requests(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        initiative = InitiativeFactory(title=f"Project {n}", wards=[town.ward])
        request = ask(town, initiative, f"Question {n}")
        if n % 2:
            HelpRequest.objects.filter(pk=request.pk).update(
                created_at=timezone.now() - datetime.timedelta(days=n)
            )
    client.force_login(town.person("ward councillor"))
    client.get(URL)
    # session and user, roles, councillor, wards, requests, their wards, notifications badge
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.content.decode().count("Take this request") == 20


def test_the_account_page_links_councillors_to_the_list(client: Client, town: Town) -> None:
    client.force_login(town.person("ward councillor"))
    assert URL in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(town.person("resident"))
    assert URL not in client.get(reverse("accounts:profile")).content.decode()
