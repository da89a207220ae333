"""The Leaflet map's tooltips show an initiative's title as text, never as markup.

Leaflet's `bindTooltip("...")` reads a string as HTML, so a title such as
`<img src=x onerror=...>` would become an element on the page. The map script gives Leaflet an
element holding the title as text instead.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.initiatives.tests.factories import InitiativeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.MAP_TILE_URL, reason="no tile server is configured"),
]

TILES = "/".join(settings.MAP_TILE_URL.split("/")[:3]) + "/"
TITLE = '<img src="/x-pwned" onerror="window.__pwned = 1">Bandstand <b>repair</b>'


def _blank_tile() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context()
    tab = context.new_page()
    asked: list[str] = []
    tile = _blank_tile()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        asked.append(url)
        if url.startswith(TILES):
            request_route.fulfill(status=200, content_type="image/png", body=tile)
        elif url.startswith(live_server.url):
            request_route.continue_()
        else:
            request_route.abort()

    context.route("**/*", route)
    try:
        yield tab, asked
    finally:
        context.close()


def test_it_shows_a_title_with_markup_as_text(
    page: tuple[Any, list[str]], live_server: Any
) -> None:
    tab, asked = page
    InitiativeFactory(title=TITLE, slug="bandstand", latitude=52.0, longitude=-1.0)

    visit(tab, live_server.url + "/initiatives/map/")
    marker = tab.locator(".gr-map-marker")
    marker.wait_for()
    marker.hover()
    tooltip = tab.locator(".leaflet-tooltip")
    tooltip.wait_for()

    assert tooltip.inner_text() == TITLE
    assert tooltip.locator("img, b").count() == 0
    assert tab.evaluate("() => window.__pwned") is None
    assert not any("x-pwned" in url for url in asked), "the title's image was fetched"
    assert_accessible(tab)
