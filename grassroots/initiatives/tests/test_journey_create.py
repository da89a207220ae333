"""Start an initiative in a real browser (JavaScript off and on), checked with axe-core.

sign in → the form → a mistake → the error summary → corrected → the initiative page.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.initiatives.models import Initiative
from grassroots.places.tests.factories import WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(params=[False, True], ids=["no-js", "js"])
def page(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=request.param)
    # The point picker's map tiles: a blank image, so nothing leaves the machine.
    if settings.MAP_TILE_URL.startswith("http"):
        tiles = "/".join(settings.MAP_TILE_URL.split("/")[:3])
        tile = _blank_png()
        context.route(f"{tiles}/**", lambda r: r.fulfill(body=tile, content_type="image/png"))
    errors: list[str] = []
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        yield tab
    finally:
        context.close()
    assert errors == [], "console errors (a CSP violation shows here)"


def test_a_resident_starts_an_initiative(page: Any, live_server: Any) -> None:
    ward = WardFactory(name="Riverside")
    WardFactory(name="Abbey", council=ward.council)
    UserFactory(email="sam@example.org", display_name="Sam", ward=ward)
    base = live_server.url

    visit(page, base + "/accounts/login/?next=/initiatives/create/")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == base + "/initiatives/create/"
    assert_accessible(page)
    assert page.get_by_label("Riverside").is_checked()

    # A mistake: no title, and half a map point.
    page.get_by_label("The problem").fill("The corner plot is full of rubbish.")
    page.get_by_label("What you want to change").fill("A garden neighbours look after.")
    page.get_by_label("Who it is for").fill("Everyone on the street.")
    page.get_by_label("Green spaces").check()
    page.get_by_label("Latitude (optional)").fill("52.005")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the initiative").click()
    assert_accessible(page)
    assert page.title().startswith("Error: Start an initiative")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a title" in summary.inner_text()
    assert "Enter both the latitude and the longitude" in summary.inner_text()
    assert page.get_by_label("The problem").input_value() == "The corner plot is full of rubbish."

    page.get_by_label("Title").fill("Brook Street garden")
    page.get_by_label("Latitude (optional)").fill("")
    page.get_by_label("Abbey").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the initiative").click()
    assert_accessible(page)
    assert page.url == base + "/initiatives/brook-street-garden/"
    assert page.get_by_role("heading", level=1).inner_text() == "Brook Street garden"
    assert page.get_by_text("Your initiative has been started").is_visible()
    initiative = Initiative.objects.get()
    assert sorted(initiative.wards.values_list("name", flat=True)) == ["Abbey", "Riverside"]
