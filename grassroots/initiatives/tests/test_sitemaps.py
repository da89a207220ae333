"""The sitemap lists public pages only: public initiatives, councils, wards and councillors."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.tests.factories import CouncillorFactory, WardFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locs(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    return [loc.text or "" for loc in root.iter(f"{NS}loc")]


def locations(client: Client) -> list[str]:
    """Every address in every section the sitemap index points to."""
    sections = _locs(client, "/sitemap.xml")
    assert sections
    return [url for section in sections for url in _locs(client, section)]


def test_the_index_names_a_file_per_section(client: Client) -> None:
    InitiativeFactory()
    sections = _locs(client, "/sitemap.xml")
    for name in ("pages", "initiatives", "councils", "wards", "councillors"):
        assert f"http://testserver/sitemap-{name}.xml" in sections
    assert client.get("/sitemap-nonsense.xml").status_code == 404
    assert client.get("/sitemap-initiatives.xml?p=99").status_code == 404
    assert client.get("/sitemap-initiatives.xml?p=abc").status_code == 404


def test_a_section_runs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        WardFactory()
    with django_assert_max_num_queries(2):
        assert len(_locs(client, "/sitemap-wards.xml")) == 30


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
    retired = WardFactory(retired_at=timezone.now())
    assert not any(f"/wards/{retired.slug}/" in url for url in locations(client))
