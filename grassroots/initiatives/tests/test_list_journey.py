"""Finding an initiative and reading notifications in a real browser, JavaScript on and off.

list → filter by theme (checkboxes) → a bad search → clear filters → next page → map → a point
on the map → sign in → notifications (unread count in the header) → mark all as read → email
settings. Every page is checked with axe-core (WCAG 2.2 A/AA) and must not break the CSP.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from PIL import Image

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, scripts_run, visit
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    NeedFactory,
)
from grassroots.notifications.models import Kind
from grassroots.notifications.services import notify
from grassroots.places.tests.factories import WardFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(out, format="PNG")
    return out.getvalue()


BLANK_TILE = _blank_png()


@pytest.fixture
def world() -> dict[str, Any]:
    ward = WardFactory(
        name="Canalside",
        geometry=square(-1.5, 52.5, 0.1),
        min_lon=-1.5,
        min_lat=52.5,
        max_lon=-1.4,
        max_lat=52.6,
    )
    garden = InitiativeFactory(
        title="Lock keeper's garden",
        wards=[ward],
        latitude=52.55,
        longitude=-1.45,
        theme="green_spaces",
    )
    BackingFactory.create_batch(2, initiative=garden)
    NeedFactory(initiative=garden, kind="equipment")
    InitiativeFactory(
        title="Towpath murals", wards=[ward], latitude=52.52, longitude=-1.42, theme="arts"
    )
    InitiativeFactory.create_batch(22, wards=[ward], theme="transport")
    reader = UserFactory(email="reader@example.org")
    notify(
        recipients=[reader],
        kind=Kind.STAGE_CHANGE,
        text="Lock keeper's garden is now in action",
        url=garden.get_absolute_url(),
        initiative=garden,
    )
    return {"ward": ward, "garden": garden, "reader": reader}


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def page(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=request.param)
    # The map's tiles: a blank image, so nothing leaves the machine.
    if settings.MAP_TILE_URL.startswith("http"):
        tiles = "/".join(settings.MAP_TILE_URL.split("/")[:3])
        context.route(f"{tiles}/**", lambda r: r.fulfill(body=BLANK_TILE, content_type="image/png"))
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert problems == []


def submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert_accessible(page)


def open_filters(page: Any) -> None:
    """The filters wait behind a "Filter initiatives" control (opened by script on wide screens)."""
    details = page.locator("details.gr-filters")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def test_find_an_initiative_and_read_notifications(
    page: Any, live_server: Any, world: dict[str, Any]
) -> None:
    base = live_server.url
    visit(page, base + "/initiatives/")
    assert page.get_by_role("heading", name="24 initiatives").is_visible()

    open_filters(page)
    page.get_by_label("Green spaces").check()
    page.get_by_label("Arts and culture").check()
    submit(page, "Apply filters")
    assert page.get_by_role("heading", name="2 initiatives").is_visible()
    assert page.get_by_role("link", name="Lock keeper's garden").is_visible()
    assert page.get_by_text("2 backers").is_visible()

    assert page.get_by_text("Filter initiatives (2 applied)").is_visible()
    open_filters(page)
    page.get_by_label("Search").fill("x" * 201)
    submit(page, "Apply filters")
    assert page.get_by_role("alert").get_by_text("Search must be 200 characters or fewer")

    open_filters(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Clear filters").click()
    assert page.get_by_role("heading", name="24 initiatives").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    assert_accessible(page)
    assert "page=2" in page.url

    visit(page, base + "/initiatives/map/?theme=green_spaces&theme=arts")
    with page.expect_navigation():
        # Leaflet's pin (a button), or the server-drawn map without JavaScript or tiles.
        if settings.MAP_TILE_URL and scripts_run(page):
            page.get_by_role("button", name="Lock keeper's garden").click()
        else:
            page.locator('a.gr-map__link[aria-label="Lock keeper\'s garden"]').click()
    assert page.url.endswith(world["garden"].get_absolute_url())

    visit(page, base + "/accounts/login/")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Sign in")
    visit(page, base + "/notifications/")
    assert page.get_by_role("link", name="Notifications 1 unread").is_visible()
    assert page.get_by_text("New", exact=True).is_visible()
    submit(page, "Mark all as read")
    assert page.get_by_text("All your notifications are marked as read").is_visible()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Choose which notifications you get by email").click()
    assert_accessible(page)
    stage_changes = page.get_by_role(
        "group", name="Stage changes of initiatives you back or belong to"
    )
    stage_changes.get_by_label("No emails (on this site only)").check()
    submit(page, "Save settings")
    assert page.get_by_text("Your email settings have been saved").is_visible()
    stage_changes = page.get_by_role(
        "group", name="Stage changes of initiatives you back or belong to"
    )
    assert stage_changes.get_by_label("No emails (on this site only)").is_checked()
    assert not stage_changes.get_by_label("By email straight away").is_checked()
