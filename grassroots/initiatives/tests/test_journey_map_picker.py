"""Maps in a real browser: choose an initiative's point on a map, and the map of initiatives.

Tile requests are answered with a blank PNG (nothing leaves the machine), so Leaflet runs as it
would in production; every page is checked with axe-core, and no page may log an error (a
Content Security Policy violation shows up as one).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory, square

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.MAP_TILE_URL, reason="no tile server is configured"),
]

# The configured tile server (the Content Security Policy lets images come from it alone).
TILES = "/".join(settings.MAP_TILE_URL.split("/")[:3]) + "/"


@dataclass
class Tab:
    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    tiles: int = 0


def _blank_tile() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(out, format="PNG")
    return out.getvalue()


def _open(browser: Any, live_server: Any, *, javascript: bool) -> Iterator[Tab]:
    context = browser.new_context(java_script_enabled=javascript)
    tab = Tab(page=context.new_page())
    tile = _blank_tile()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(live_server.url):
            request_route.continue_()
        elif url.startswith(TILES):
            tab.tiles += 1
            request_route.fulfill(status=200, content_type="image/png", body=tile)
        else:
            tab.outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    tab.page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.page.on("pageerror", lambda e: tab.errors.append(str(e)))
    try:
        yield tab
    finally:
        context.close()
    assert tab.errors == [], "console errors (a CSP violation shows here)"
    assert tab.outside == []


@pytest.fixture
def with_js(browser: Any, live_server: Any) -> Iterator[Tab]:
    yield from _open(browser, live_server, javascript=True)


@pytest.fixture
def without_js(browser: Any, live_server: Any) -> Iterator[Tab]:
    yield from _open(browser, live_server, javascript=False)


@pytest.fixture
def ward() -> Ward:
    ward = WardFactory(name="Riverside", geometry=square(-1.0, 52.0, 0.02))
    WardFactory(name="Abbey", council=ward.council, geometry=square(-0.98, 52.0, 0.02))
    UserFactory(email="sam@example.org", display_name="Sam", ward=ward)
    return ward


def _sign_in(page: Any, base: str, then: str) -> None:
    visit(page, f"{base}/accounts/login/?next={then}")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == base + then


def _fill_the_rest(page: Any) -> None:
    page.get_by_label("Title").fill("Riverside orchard")
    page.get_by_label("The problem").fill("The bank is bare and muddy.")
    page.get_by_label("What you want to change").fill("Fruit trees along the path.")
    page.get_by_label("Who it is for").fill("Everyone who walks there.")
    page.get_by_label("Green spaces").check()


def _pin_position(page: Any) -> Any:
    return page.locator(".gr-map-pin").bounding_box()


def test_a_resident_chooses_the_point_on_the_map(
    with_js: Tab, live_server: Any, ward: Ward
) -> None:
    page, base = with_js.page, live_server.url
    _sign_in(page, base, "/initiatives/create/")
    map_region = page.get_by_role("region", name="Map for choosing the point of the initiative")
    map_region.wait_for()
    assert page.get_by_text("You can type them in the boxes below instead.").is_visible()
    assert with_js.tiles > 0
    assert_accessible(page)
    latitude, longitude = (
        page.get_by_label("Latitude (optional)"),
        page.get_by_label("Longitude (optional)"),
    )
    assert latitude.input_value() == ""

    # The map opens on the resident's own ward: its middle is inside it.
    map_region.click()
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    assert 52.0 < lat < 52.02
    assert -1.0 < lon < -0.98
    assert page.locator(".gr-map-pin").is_visible()

    # Typing a point moves the pin.
    before = _pin_position(page)
    latitude.fill("52.004")
    longitude.fill("-0.996")
    after = _pin_position(page)
    assert (after["x"], after["y"]) != (before["x"], before["y"])

    # Clicking somewhere else moves it back and writes the new point.
    box = map_region.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    assert (lat, lon) != (52.004, -0.996)
    assert_accessible(page)

    _fill_the_rest(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start the initiative").click()
    assert page.get_by_text("Your initiative has been started").is_visible()
    initiative = Initiative.objects.get()
    assert initiative.latitude == pytest.approx(lat, abs=1e-6)
    assert initiative.longitude == pytest.approx(lon, abs=1e-6)
    assert list(initiative.wards.all()) == [ward]


def test_the_map_is_no_keyboard_trap(with_js: Tab, live_server: Any, ward: Ward) -> None:
    page, base = with_js.page, live_server.url
    _sign_in(page, base, "/initiatives/create/")
    page.get_by_label("Postcode or place (optional)").focus()
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate("() => document.activeElement.id || document.activeElement.className")
        )
        if seen[-1] == "id_latitude":
            break
    assert seen[-1] == "id_latitude", seen
    assert any("leaflet-container" in str(s) for s in seen), "the map takes focus to pan"
    # And back again with Shift+Tab.
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.id") == "id_place":
            break
    assert page.evaluate("() => document.activeElement.id") == "id_place"


def test_without_javascript_the_boxes_are_the_whole_story(
    without_js: Tab, live_server: Any, ward: Ward
) -> None:
    page, base = without_js.page, live_server.url
    _sign_in(page, base, "/initiatives/create/")
    assert page.locator("[data-map-picker]").is_hidden()
    assert without_js.tiles == 0
    assert_accessible(page)
    _fill_the_rest(page)
    page.get_by_label("Latitude (optional)").fill("52.01")
    page.get_by_label("Longitude (optional)").fill("-0.99")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the initiative").click()
    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (52.01, -0.99)


def test_the_map_of_initiatives_shows_public_ones_as_pins(
    with_js: Tab, live_server: Any, ward: Ward
) -> None:
    page, base = with_js.page, live_server.url
    orchard = InitiativeFactory(
        title="Riverside orchard", wards=[ward], latitude=52.01, longitude=-0.99
    )
    hidden = InitiativeFactory(
        title="Safe house support",
        wards=[ward],
        latitude=52.012,
        longitude=-0.992,
        visibility=Visibility.SAFEGUARDED,
    )
    MembershipFactory(initiative=hidden, user=User.objects.get(email="sam@example.org"))
    _sign_in(page, base, "/initiatives/map/")
    page.get_by_role("region", name="Map of initiatives").wait_for()
    assert page.locator("[data-map-fallback]").is_hidden()
    assert page.locator(".gr-map-marker").count() == 1
    # The member still finds their safeguarded initiative in the list beside the map.
    assert page.get_by_role("link", name="Safe house support").is_visible()
    assert_accessible(page)
    # A pin is reached by keyboard and opens its initiative.
    pin = page.get_by_role("button", name="Riverside orchard")
    pin.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == base + orchard.get_absolute_url()
