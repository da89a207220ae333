"""The council page: its current wards, on a map with the same wards listed beside it."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.places.models import Council
from grassroots.places.tests.factories import CouncilFactory, WardFactory

pytestmark = pytest.mark.django_db

RETIRED = datetime.datetime(2022, 5, 1, tzinfo=datetime.UTC)


@pytest.fixture
def council() -> Council:
    council = CouncilFactory(
        name="Medchester", slug="medchester", website="https://medchester.example"
    )
    WardFactory(council=council, name="Abbey", slug="abbey")
    WardFactory(council=council, name="Brook", slug="brook")
    WardFactory(council=council, name="Castle", slug="castle", retired_at=RETIRED)
    WardFactory(council=council, name="Dockside", slug="dockside", geometry=None)
    return council


def page(client: Client, council: Council) -> Any:
    return client.get(reverse("places:council", kwargs={"slug": council.slug}))


def ward_list(content: bytes) -> list[str]:
    match = re.search(
        rb'<ul class="govuk-list" aria-labelledby="ward-list-heading">(.*?)</ul>', content, re.S
    )
    assert match, "no list of wards"
    return [
        m.decode()
        for m in re.findall(rb'<a class="govuk-link" href="[^"]+">([^<]+)</a>', match.group(1))
    ]


def map_links(content: bytes) -> list[str]:
    match = re.search(rb"<svg[^>]*>.*?</svg>", content, re.S)
    assert match, "no map"
    return [
        m.decode()
        for m in re.findall(
            rb'<a class="gr-map__link" href="[^"]+" aria-label="([^"]+)"', match.group(0)
        )
    ]


def test_it_lists_the_current_wards_with_links(client: Client, council: Council) -> None:
    response = page(client, council)
    assert response.status_code == 200
    assert ward_list(response.content) == ["Abbey", "Brook", "Dockside"]
    assert b'href="/councils/medchester/wards/abbey/"' in response.content
    assert b"3 wards" in response.content


def test_its_map_links_each_ward_that_has_a_boundary(client: Client, council: Council) -> None:
    response = page(client, council)
    assert map_links(response.content) == ["Abbey", "Brook"]
    svg = re.search(rb"<svg[^>]*>", response.content)
    assert svg is not None
    assert b'role="group"' in svg.group(0)
    assert b'aria-labelledby="council-map-title"' in svg.group(0)
    assert b'<title id="council-map-title">Map of the wards of Medchester.' in response.content


def test_retired_wards_are_hidden(client: Client, council: Council) -> None:
    response = page(client, council)
    assert b"Castle" not in response.content
    assert b"/wards/castle/" not in response.content


def test_the_leaflet_map_gets_the_wards_as_json_data_not_script(
    client: Client, council: Council
) -> None:
    response = page(client, council)
    data = re.search(
        rb'<script id="council-wards-geojson" type="application/json">(.*?)</script>',
        response.content,
        re.S,
    )
    assert data, "no GeoJSON data element"
    features = json.loads(data.group(1))["features"]
    assert [f["properties"] for f in features] == [
        {"name": "Abbey", "url": "/councils/medchester/wards/abbey/"},
        {"name": "Brook", "url": "/councils/medchester/wards/brook/"},
    ]
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    assert b"vendor/leaflet/leaflet.js" in response.content
    assert b"js/map.mjs" in response.content
    # The Leaflet holder stays hidden until the script shows it; the SVG is the fallback.
    assert re.search(rb"<div[^>]*data-leaflet-map[^>]*hidden", response.content)
    assert b"data-map-fallback" in response.content


def test_without_a_tile_server_there_is_only_the_drawn_map(
    client: Client, council: Council, settings: Any
) -> None:
    settings.MAP_TILE_URL = ""
    response = page(client, council)
    assert b"data-leaflet-map" not in response.content
    assert b"leaflet.js" not in response.content
    assert map_links(response.content) == ["Abbey", "Brook"]


def test_a_council_without_boundaries_still_lists_its_wards(client: Client) -> None:
    council = CouncilFactory()
    WardFactory(council=council, name="Only", slug="only", geometry=None)
    response = page(client, council)
    assert b"<svg" not in response.content
    assert b"We do not have ward boundaries" in response.content
    assert ward_list(response.content) == ["Only"]


def test_a_council_without_wards_says_so(client: Client) -> None:
    response = page(client, CouncilFactory())
    assert response.status_code == 200
    assert b"No wards have been imported for this council yet." in response.content


def test_an_unknown_council_is_not_found(client: Client) -> None:
    response = client.get(reverse("places:council", kwargs={"slug": "nowhere"}))
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_it_links_to_the_council_website(client: Client, council: Council) -> None:
    assert b'href="https://medchester.example"' in page(client, council).content


def test_the_list_of_councils_links_each_with_its_ward_count(
    client: Client, council: Council
) -> None:
    other = CouncilFactory(name="Zedborough", slug="zedborough")
    response = client.get(reverse("places:councils"))
    assert response.status_code == 200
    text = response.content.decode()
    assert '<a class="govuk-link" href="/councils/medchester/">Medchester</a>' in text
    assert f'href="{other.get_absolute_url()}"' in text
    # Medchester has three current wards (Castle is retired); Zedborough none.
    counts = re.findall(r'govuk-table__cell--numeric">(\d+)<', text)
    assert counts == ["3", "0"]


def test_a_council_with_forty_wards_costs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    council = CouncilFactory()
    for _ in range(40):
        WardFactory(council=council)
    with django_assert_max_num_queries(2):
        response = page(client, council)
    assert len(ward_list(response.content)) == 40
    assert len(map_links(response.content)) == 40


def test_the_list_of_forty_councils_costs_one_query(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(40):
        WardFactory(council=CouncilFactory())
    with django_assert_max_num_queries(1):
        response = client.get(reverse("places:councils"))
    assert response.content.count(b'class="govuk-table__row"') == 41
