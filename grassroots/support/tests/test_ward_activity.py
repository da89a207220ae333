"""The ward page: initiatives by stage, open needs, and help requests waiting for a councillor."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.initiatives.models import Stage, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, NeedFactory
from grassroots.support.models import HelpRequest
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def test_the_ward_page_lists_initiatives_by_stage_needs_and_waiting_requests(
    client: Client, town: Town
) -> None:
    InitiativeFactory(title="Bus shelter art", stage=Stage.PLANNING, wards=[town.ward])
    NeedFactory(initiative=town.initiative, description="Twenty spades")
    NeedFactory(initiative=town.initiative, description="Already have it", status="met")
    request = town.help_request()
    HelpRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=21)
    )
    body = client.get(town.ward.get_absolute_url()).content.decode()
    assert "Idea" in body
    assert "Planning" in body
    assert "Bus shelter art" in body
    assert "Twenty spades" in body
    assert "Already have it" not in body
    assert "Help requests waiting for a councillor" in body
    assert "Overdue" in body
    assert "Hilltop choir" not in body  # another ward


def test_safeguarded_initiatives_never_show_on_the_ward_page(client: Client, town: Town) -> None:
    secret = InitiativeFactory(
        title="Refuge circle", visibility=Visibility.SAFEGUARDED, wards=[town.ward]
    )
    NeedFactory(initiative=secret, description="Safe house volunteers")
    HelpRequest.objects.create(
        initiative=secret, kind="connect", message="Secret help", requested_by=secret.created_by
    )
    for viewer in (client, Client()):
        body = viewer.get(town.ward.get_absolute_url()).content.decode()
        assert "Refuge circle" not in body
        assert "Safe house volunteers" not in body
        client.force_login(town.person("other councillor"))
    insider = Client()
    insider.force_login(secret.created_by)
    assert "Refuge circle" in insider.get(town.ward.get_absolute_url()).content.decode()


def test_the_ward_page_costs_a_bounded_number_of_queries(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    for n in range(15):
        initiative = InitiativeFactory(stage=list(Stage)[n % 7], wards=[town.ward])
        NeedFactory(initiative=initiative)
        HelpRequest.objects.create(
            initiative=initiative,
            kind="facilitate",
            message="Help",
            requested_by=initiative.created_by,
        )
    url = town.ward.get_absolute_url()
    # ward, councillors, initiatives, open needs, help requests, conversations, groups,
    # priority exercises, opinion maps
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("Asked today") >= 15
    client.force_login(town.person("ward councillor"))
    # and, signed in: session, user, roles, councillor, unread count, the follow button,
    # whether they may start a conversation here (the same for a priority exercise or an
    # opinion map)
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(17):
        client.get(url)
