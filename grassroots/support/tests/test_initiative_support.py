"""The support section of an initiative (support/includes/initiative_support.html)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from grassroots.places.tests.factories import CouncillorTermFactory
from grassroots.support.models import (
    AdvocacyCase,
    HelpRequest,
    Support,
    SupportKind,
    SupportStatus,
)
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _page(client: Client, town: Town) -> str:
    url = reverse("support:initiative", kwargs={"slug": town.initiative.slug})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_leads_see_the_forms_to_answer_offers_and_ask_for_help(client: Client, town: Town) -> None:
    town.support()
    town.support(status=SupportStatus.DONE, kind=SupportKind.CONNECT)
    client.force_login(town.lead)
    body = _page(client, town)
    assert "Accept offer" in body
    assert "Decline offer" in body
    assert "Give feedback on this support" in body
    assert "Ask your ward councillors for help" in body
    assert "Invite a councillor from another ward" in body
    assert "Offer your support" not in body


def test_a_ward_councillor_sees_the_offer_form_and_can_take_waiting_requests(
    client: Client, town: Town
) -> None:
    town.help_request()
    client.force_login(town.person("ward councillor"))
    body = _page(client, town)
    assert "Offer your support" in body
    assert "Take this request" in body
    assert "Accept offer" not in body


def test_the_public_sees_support_but_no_forms(client: Client, town: Town) -> None:
    town.support(status=SupportStatus.PLANNED)
    town.help_request()
    body = _page(client, town)
    assert "Host a meeting at the library" in body
    assert "Asked today" in body
    for text in ("Offer your support", "Take this request", "Accept offer", "Send request"):
        assert text not in body


def test_withdrawn_offers_are_not_listed(client: Client, town: Town) -> None:
    town.support(status=SupportStatus.WITHDRAWN)
    assert "Host a meeting at the library" not in _page(client, town)


def test_the_include_works_in_any_page_with_the_initiative(town: Town) -> None:
    request = RequestFactory().get("/")
    request.user = town.lead
    context = {"initiative": town.initiative, "request": request, "user": town.lead}
    for source in (
        '{% include "support/includes/initiative_support.html" %}',
        "{% load support_tags %}{% initiative_support initiative %}",
    ):
        html = Template(source).render(Context(context))
        assert "Support from councillors" in html
        assert "Ask your ward councillors for help" in html


def test_the_support_section_costs_a_bounded_number_of_queries(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        term = CouncillorTermFactory(ward=town.ward)
        kind = [SupportKind.FACILITATE, SupportKind.CONNECT, SupportKind.ADVOCATE][n % 3]
        status = [SupportStatus.OFFERED, SupportStatus.PLANNED, SupportStatus.DONE][n % 3]
        support = Support.objects.create(
            initiative=town.initiative,
            councillor=term.councillor,
            kind=kind,
            description=f"Support {n}",
            status=status,
        )
        if kind == SupportKind.ADVOCATE:
            AdvocacyCase.objects.create(
                support=support,
                department=town.department,
                ask="Ask",
                evidence="Evidence",
                outcome_wanted="Outcome",
                wanted_by=datetime.date(2030, 1, 1),
            )
        HelpRequest.objects.create(
            initiative=town.initiative, kind=kind, message=f"Request {n}", requested_by=town.lead
        )
    client.force_login(town.lead)
    _page(client, town)
    with django_assert_max_num_queries(14):
        body = _page(client, town)
    assert body.count("Support ") >= 10
    client.force_login(town.person("ward councillor"))
    with django_assert_max_num_queries(14):
        _page(client, town)
    with django_assert_max_num_queries(4):
        _page(Client(), town)
