"""Find your area in a real browser, with JavaScript on and with it off.

home → a postcode with a mistake → the error summary → corrected → ward → councillor → council
(map and list) → accessibility statement → privacy notice. Every page is checked with axe-core
for WCAG 2.2 A/AA violations, and no page may break its Content Security Policy.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PIL import Image

from grassroots.core.tests.browser import assert_accessible, axe_violations, visit
from grassroots.places.tests.factories import (
    CouncilFactory,
    CouncillorFactory,
    CouncillorTermFactory,
    PostcodeFactory,
    WardFactory,
    square,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILE_SERVER = "https://tile.openstreetmap.org/"


def _tile() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Watch:
    """What the browser saw go wrong: CSP violations, script errors, requests off the site."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    tiles: int = 0


@pytest.fixture
def places() -> dict[str, Any]:
    council = CouncilFactory(
        name="Medchester", slug="medchester", website="https://medchester.example"
    )
    wards = [
        WardFactory(
            council=council, name=name, slug=name.lower(), geometry=square(-1.0 + i * 0.02, 52.0)
        )
        for i, name in enumerate(["Abbey", "Brook", "Castle", "Riverside", "Upton"])
    ]
    riverside = wards[3]
    cllr = CouncillorFactory(
        name="Sam Patel",
        slug="sam-patel",
        party="Labour",
    )
    CouncillorTermFactory(councillor=cllr, ward=riverside)
    CouncillorTermFactory(
        councillor=CouncillorFactory(name="Jo Lee", slug="jo-lee"), ward=riverside
    )
    PostcodeFactory(postcode="MC1 4RS", ward_code=riverside.gss_code)
    return {"council": council, "ward": riverside}


def _open(browser: Any, live_server: Any, *, javascript: bool) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    watch = Watch()
    tile = _tile()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(live_server.url):
            request_route.continue_()
        elif url.startswith(TILE_SERVER):
            watch.tiles += 1
            request_route.fulfill(status=200, content_type="image/png", body=tile)
        else:
            watch.outside_requests.append(url)
            request_route.abort()

    context.route("**/*", route)
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    try:
        yield page, watch
    finally:
        context.close()


@pytest.fixture
def with_js(browser: Any, live_server: Any) -> Iterator[tuple[Any, Watch]]:
    yield from _open(browser, live_server, javascript=True)


@pytest.fixture
def without_js(browser: Any, live_server: Any) -> Iterator[tuple[Any, Watch]]:
    yield from _open(browser, live_server, javascript=False)


def submit_postcode(page: Any, typed: str) -> None:
    page.get_by_label("Postcode").fill(typed)
    with page.expect_navigation():
        page.get_by_role("button", name="Find your area").click()
    assert_accessible(page)


def journey(page: Any, base: str, places: dict[str, Any], *, javascript: bool) -> None:
    ward, council = places["ward"], places["council"]

    # Home: asks for a postcode.
    visit(page, base + "/")
    assert page.title() == "Find your ward and councillors – Grassroots"
    # GOV.UK Frontend's marker that scripts ran (body-start.js) is there only with JavaScript.
    assert ("js-enabled" in page.evaluate("document.body.className")) is javascript

    # A postcode we do not know: one error summary, the field's own message, the value kept.
    submit_postcode(page, "mc1 9zz")
    assert page.title() == "Error: Find your ward and councillors – Grassroots"
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    link = summary.get_by_role("link", name=re.compile("We could not find the postcode MC1 9ZZ"))
    assert link.get_attribute("href") == "#id_postcode"
    assert (
        page.locator("#id_postcode-error")
        .inner_text()
        .endswith("We could not find the postcode MC1 9ZZ. Check it and try again.")
    )
    assert page.get_by_label("Postcode").input_value() == "mc1 9zz"
    if javascript:
        # GOV.UK Frontend moves focus to the summary so screen readers announce it.
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    link.click()
    if javascript:
        # ...and its links put the cursor in the field.
        assert page.evaluate("document.activeElement.id") == "id_postcode"
    else:
        assert page.url.endswith("#id_postcode")

    # Not a postcode at all.
    submit_postcode(page, "my house")
    assert page.locator(".govuk-error-summary").inner_text().count("Enter a real postcode") == 1
    assert page.get_by_label("Postcode").input_value() == "my house"

    # Corrected: straight to the ward page.
    submit_postcode(page, "MC14RS")
    assert page.url == base + ward.get_absolute_url()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Riverside")
    assert page.get_by_role("link", name="Medchester").first.is_visible()
    section = page.get_by_role("heading", name="What your councillor can do for you")
    assert section.is_visible()
    for kind in (
        "Facilitate conversations",
        "Connect you with people and resources",
        "Advocate for you inside the council",
    ):
        assert page.get_by_text(kind, exact=True).is_visible()
    assert page.get_by_text("Councillors are not council staff.").is_visible()

    # A councillor.
    with page.expect_navigation():
        page.get_by_role("link", name="Sam Patel").click()
    assert_accessible(page)
    assert page.title() == "Councillor Sam Patel – Grassroots"
    assert page.get_by_text("No surgeries coming up.").is_visible()

    # Their council: a map and the list of wards beside it.
    with page.expect_navigation():
        page.locator(".govuk-breadcrumbs").get_by_role("link", name="Medchester").click()
    assert_accessible(page)
    assert page.url == base + council.get_absolute_url()
    ward_list = page.locator("ul[aria-labelledby='ward-list-heading']")
    assert ward_list.get_by_role("link").all_inner_texts() == [
        "Abbey",
        "Brook",
        "Castle",
        "Riverside",
        "Upton",
    ]
    if javascript:
        leaflet = page.locator("[data-leaflet-map]")
        leaflet.wait_for(state="visible")
        shapes = page.locator("[data-leaflet-map] path.leaflet-interactive")
        assert shapes.count() == 5
        # The map is fitted to the wards: together they span much of it, inside its frame.
        frame, boxes = leaflet.bounding_box(), [b.bounding_box() for b in shapes.all()]
        left, right = min(b["x"] for b in boxes), max(b["x"] + b["width"] for b in boxes)
        assert frame["x"] <= left < right <= frame["x"] + frame["width"]
        assert right - left > frame["width"] / 3
        assert page.locator("[data-map-fallback]").is_hidden()
        assert_accessible(page)  # again, now the Leaflet map is drawn
    else:
        svg = page.locator("svg.gr-map")
        assert svg.is_visible()
        assert page.locator("[data-leaflet-map]").is_hidden()
        map_links = svg.locator("a")
        assert map_links.count() == 5
        # Each ward on the drawn map is a link that works with a keyboard.
        map_links.nth(3).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert_accessible(page)
        assert page.url == base + ward.get_absolute_url()
        page.go_back()

    # The statement and the notice, from the footer.
    with page.expect_navigation():
        page.get_by_role("link", name="Accessibility statement").click()
    assert_accessible(page)
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Accessibility statement for Grassroots"
    )
    with page.expect_navigation():
        page.get_by_role("link", name="Privacy notice").click()
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy notice"


def test_find_your_area_with_javascript(
    with_js: tuple[Any, Watch], live_server: Any, places: dict[str, Any]
) -> None:
    page, watch = with_js
    journey(page, live_server.url, places, javascript=True)
    assert watch.page_errors == []
    assert watch.console_errors == [], "console errors (a CSP violation shows here)"
    assert watch.outside_requests == []
    assert watch.tiles > 0, "the Leaflet map asked for no tiles"


def test_find_your_area_without_javascript(
    without_js: tuple[Any, Watch], live_server: Any, places: dict[str, Any]
) -> None:
    page, watch = without_js
    journey(page, live_server.url, places, javascript=False)
    assert watch.console_errors == []
    assert watch.outside_requests == []
    assert watch.tiles == 0


def test_a_map_point_that_is_nowhere_explains_itself(
    with_js: tuple[Any, Watch], live_server: Any, places: dict[str, Any]
) -> None:
    page, _ = with_js
    visit(page, live_server.url + "/find-your-area?lat=51.5&lon=-0.1")
    assert page.title() == "Error: Find your ward and councillors – Grassroots"
    assert (
        "We could not find a ward at that location"
        in page.locator(".govuk-error-summary").inner_text()
    )


@pytest.mark.parametrize("url", ["/councils/", "/no/such/page"])
def test_other_public_pages_are_accessible(
    without_js: tuple[Any, Watch], live_server: Any, places: dict[str, Any], url: str
) -> None:
    page, _ = without_js
    visit(page, live_server.url + url)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_accessibility_check_can_fail(browser: Any, javascript: bool) -> None:
    # Proof that axe really runs, with JavaScript on and off: an image without a text
    # alternative must be reported.
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.set_content("<img src=x>")
        rules = {v["id"] for v in axe_violations(page)}
        assert "image-alt" in rules
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page)
    finally:
        context.close()
