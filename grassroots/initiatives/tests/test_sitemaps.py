"""The sitemap lists public pages only: public initiatives, councils, wards and councillors."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.test import Client

from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.tests.factories import CouncillorFactory, WardFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client: Client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    return [loc.text or "" for loc in root.iter(f"{NS}loc")]


def test_it_lists_public_initiatives_and_place_pages(client: Client) -> None:
    ward = WardFactory()
    initiative = InitiativeFactory(wards=[ward])
    councillor = CouncillorFactory()
    urls = locations(client)
    for path in (
        initiative.get_absolute_url(),
        ward.get_absolute_url(),
        ward.council.get_absolute_url(),
        councillor.get_absolute_url(),
        "/initiatives/",
    ):
        assert f"http://testserver{path}" in urls


def test_it_never_lists_a_safeguarded_initiative_even_for_its_members(client: Client) -> None:
    hidden = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    client.force_login(MembershipFactory(initiative=hidden).user)
    assert not any(hidden.slug in url for url in locations(client))


def test_retired_wards_are_left_out(client: Client) -> None:
    from django.utils import timezone

    retired = WardFactory(retired_at=timezone.now())
    assert not any(f"/wards/{retired.slug}/" in url for url in locations(client))
