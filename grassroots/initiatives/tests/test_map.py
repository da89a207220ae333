"""The map of initiatives: points over ward shapes on a server-drawn SVG, the list beside it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives import browse
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
)
from grassroots.places.tests.factories import WardFactory, square

pytestmark = pytest.mark.django_db

URL = "/initiatives/map/"


def points(html: str) -> list[str]:
    """The titles of the linked points drawn on the map."""
    return re.findall(r'<a class="gr-map__link" href="[^"]+" aria-label="([^"]+)"><circle', html)


@pytest.fixture
def ward() -> Any:
    return WardFactory(
        name="Canalside",
        geometry=square(-1.5, 52.5, 0.1),
        min_lon=-1.5,
        min_lat=52.5,
        max_lon=-1.4,
        max_lat=52.6,
    )


def test_it_draws_each_initiative_as_a_link_on_its_ward(client: Client, ward: Any) -> None:
    InitiativeFactory(title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert points(html) == ["Lock garden"]
    assert '<path class="gr-map__area"' in html
    assert "<title>Canalside</title>" in html
    # The point sits in the middle of the ward's square.
    (point,) = response.context["points"]
    drawn = response.context["map"]
    assert point.x == pytest.approx(drawn.width / 2, abs=2)
    assert point.y == pytest.approx(drawn.height / 2, abs=2)


def test_the_list_beside_the_map_has_initiatives_without_a_point(client: Client, ward: Any) -> None:
    InitiativeFactory(title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45)
    InitiativeFactory(title="No point yet", wards=[ward])
    html = client.get(URL).content.decode()
    assert points(html) == ["Lock garden"]
    assert "No point yet" in html
    assert "2 initiatives" in html


def test_a_safeguarded_initiative_is_never_on_the_map_for_outsiders(
    client: Client, ward: Any
) -> None:
    hidden = InitiativeFactory(
        title="Safe house support",
        wards=[ward],
        latitude=52.55,
        longitude=-1.45,
        visibility=Visibility.SAFEGUARDED,
    )
    for user in (None, UserFactory()):
        if user is not None:
            client.force_login(user)
        html = client.get(URL).content.decode()
        assert "Safe house support" not in html
        assert points(html) == []
    client.force_login(MembershipFactory(initiative=hidden).user)
    assert points(client.get(URL).content.decode()) == ["Safe house support"]


def test_it_takes_the_list_filters(client: Client, ward: Any) -> None:
    InitiativeFactory(
        title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45, theme="green_spaces"
    )
    InitiativeFactory(
        title="Towpath art", wards=[ward], latitude=52.52, longitude=-1.42, theme="arts"
    )
    assert points(client.get(URL, {"theme": "arts"}).content.decode()) == ["Towpath art"]
    bad = client.get(URL, {"stage": "nonsense"})
    assert bad.status_code == 200
    assert "Select stages from the list" in bad.content.decode()


def test_without_boundaries_it_says_so_and_keeps_the_list(client: Client) -> None:
    InitiativeFactory(title="Somewhere", wards=[WardFactory(geometry=None)])
    html = client.get(URL).content.decode()
    assert "there is no map" in html
    assert "Somewhere" in html


def test_the_map_runs_a_bounded_number_of_queries(
    client: Client, ward: Any, django_assert_max_num_queries: Any
) -> None:
    others = WardFactory.create_batch(3)
    for n in range(30):
        initiative = InitiativeFactory(
            wards=[ward, others[n % 3]], latitude=52.5 + n / 400, longitude=-1.45
        )
        BackingFactory(initiative=initiative)
    # The list's own paging: count, the page's ids, its rows, their wards (+ the ward filter).
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    assert len(response.context["points"]) == 20


def test_past_the_count_limit_the_map_pages_like_the_list(
    client: Client, ward: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map counts matches only up to the list's limit, and every match can still be paged to."""
    monkeypatch.setattr(browse, "COUNT_LIMIT", 25)
    for n in range(26):
        InitiativeFactory(title=f"Street party {n}", wards=[ward])
    first = client.get(URL)
    assert "More than 25 initiatives" in first.content.decode()
    second = client.get(URL, {"page": 2})
    titles = {i.title for i in first.context["initiatives"]} | {
        i.title for i in second.context["initiatives"]
    }
    assert titles == {f"Street party {n}" for n in range(26)}


# --- The optional Leaflet layer (js/map.mjs) ------------------------------------------------------


def markers(html: str) -> list[dict[str, Any]]:
    """The points in the Leaflet map's data block ([] when there is no block)."""
    match = re.search(
        r'<script id="initiative-markers" type="application/json">(.*?)</script>', html
    )
    if match is None:
        return []
    features: list[dict[str, Any]] = json.loads(match.group(1))["features"]
    return features


def test_with_a_tile_server_the_points_are_also_data_for_leaflet(
    client: Client, ward: Any, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    lock = InitiativeFactory(title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45)
    InitiativeFactory(title="No point yet", wards=[ward])
    html = client.get(URL).content.decode()
    assert markers(html) == [
        {
            "type": "Feature",
            "properties": {"name": "Lock garden", "url": lock.get_absolute_url()},
            "geometry": {"type": "Point", "coordinates": [-1.45, 52.55]},
        }
    ]
    holder = re.search(r"<div [^>]*data-leaflet-map[^>]*>", html)
    assert holder
    assert 'data-geojson-id="initiative-markers"' in holder.group(0)
    assert holder.group(0).endswith(" hidden>")
    assert "js/map.mjs" in html
    # The server-drawn map stays, as what shows without JavaScript.
    assert "data-map-fallback" in html
    assert points(html) == ["Lock garden"]


def test_without_a_tile_server_there_is_no_leaflet_layer(
    client: Client, ward: Any, settings: Any
) -> None:
    settings.MAP_TILE_URL = ""
    InitiativeFactory(title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45)
    html = client.get(URL).content.decode()
    assert markers(html) == []
    assert "data-leaflet-map" not in html
    assert "leaflet" not in html
    assert points(html) == ["Lock garden"]


def test_no_safeguarded_initiative_is_ever_in_the_leaflet_data(
    client: Client, ward: Any, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    InitiativeFactory(title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45)
    hidden = InitiativeFactory(
        title="Safe house support",
        wards=[ward],
        latitude=52.56,
        longitude=-1.44,
        visibility=Visibility.SAFEGUARDED,
    )
    member = MembershipFactory(initiative=hidden).user
    for user in (None, UserFactory(), member):
        client.logout()
        if user is not None:
            client.force_login(user)
        html = client.get(URL).content.decode()
        assert [m["properties"]["name"] for m in markers(html)] == ["Lock garden"]
        assert hidden.get_absolute_url() not in str(markers(html))
    # Its own member still finds it in the list and on the server-drawn map.
    assert "Safe house support" in points(html)


def test_an_initiative_a_moderator_hid_is_left_out_of_the_leaflet_data_even_for_its_lead(
    client: Client, ward: Any, settings: Any
) -> None:
    """The Leaflet block is data anyone can lift off the page, so it holds only what the public
    may see. A lead still finds their hidden initiative in the list and on the drawn map."""
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    InitiativeFactory(title="Lock garden", wards=[ward], latitude=52.55, longitude=-1.45)
    hidden = InitiativeFactory(
        title="Towpath clean-up", wards=[ward], latitude=52.56, longitude=-1.44
    )
    Initiative.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    client.force_login(hidden.created_by)
    html = client.get(URL).content.decode()
    assert [m["properties"]["name"] for m in markers(html)] == ["Lock garden"]
    assert sorted(points(html)) == ["Lock garden", "Towpath clean-up"]
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert points(html) == ["Lock garden"]
