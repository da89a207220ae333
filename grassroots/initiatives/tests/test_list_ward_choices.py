"""The ward filter stays a usable length at national scale."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.initiatives import views_browse
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.tests.factories import CouncilFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_with_few_wards_every_ward_is_offered(client: Client) -> None:
    wards = [WardFactory() for _ in range(3)]
    for ward in wards:
        InitiativeFactory(wards=[ward])
    body = client.get("/initiatives/").content.decode()
    assert 'name="ward"' in body
    for ward in wards:
        assert f'value="{ward.pk}"' in body


def test_with_many_wards_the_filter_points_to_ward_pages_instead(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_browse, "WARD_CHOICES_LIMIT", 2)
    here, there = CouncilFactory(), CouncilFactory()
    home = [WardFactory(council=here) for _ in range(2)]
    away = WardFactory(council=there)
    for ward in [*home, away]:
        InitiativeFactory(wards=[ward])

    body = client.get("/initiatives/").content.decode()
    assert '<select name="ward"' not in body
    assert "Find a ward" in body

    # Coming from a ward's page, its council's wards are offered and the ward is chosen.
    body = client.get("/initiatives/", {"ward": home[0].pk}).content.decode()
    assert f'<option value="{home[0].pk}" selected>' in body
    assert f'value="{home[1].pk}"' in body
    assert f'value="{away.pk}"' not in body


def test_the_ward_page_links_to_its_initiatives(client: Client) -> None:
    ward = WardFactory()
    body = client.get(ward.get_absolute_url()).content.decode()
    assert f"/initiatives/?ward={ward.pk}" in body
