"""On a phone 320 CSS pixels wide (WCAG 2.2 reflow), nothing makes the page scroll sideways:
not an update's large photo, not a long unbroken word or web address in an update or in
replies nested to the deepest level."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations import services
from grassroots.conversations.models import MAX_DEPTH, Post
from grassroots.core.tests.browser import visit
from grassroots.initiatives.services import progress
from grassroots.initiatives.tests.factories import InitiativeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}
WORD = "Pneumono" + "o" * 292  # 300 characters, no break anywhere
ADDRESS = "https://example.org/" + "a" * 150 + "/plans?" + "b" * 80


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (20, 110, 60)).save(out, format="JPEG")
    return SimpleUploadedFile("garden.jpg", out.getvalue(), content_type="image/jpeg")


def _width(page: Any) -> int:
    width: int = page.evaluate("() => document.documentElement.scrollWidth")
    return width


def test_nothing_overflows_a_320_pixel_screen(
    phone: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    initiative = InitiativeFactory(title="Riverside garden")
    lead = initiative.created_by
    progress.update_create(
        initiative=initiative,
        author=lead,
        text=f"We planted {WORD} bulbs. Plans: {ADDRESS}",
        photo=_photo(),
        photo_alt="Bulbs by the gate",
    )
    conversation = services.conversation_start(
        actor=lead, initiative=initiative, question=f"Where next? {WORD[:150]}", description=ADDRESS
    )
    parent: Post | None = None
    for depth in range(MAX_DEPTH + 1):
        author = lead if depth % 2 == 0 else UserFactory(display_name=f"Neighbour {depth}")
        parent = services.post_create(
            actor=author,
            conversation=conversation,
            body=f"Reply {depth}: {WORD} see {ADDRESS}",
            parent=parent,
            quoted=parent,
        )

    visit(phone, live_server.url + initiative.get_absolute_url())
    photo = phone.locator("img.gr-update-photo")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1600
    assert photo.bounding_box()["width"] <= PHONE["width"]
    assert _width(phone) <= PHONE["width"]

    visit(phone, live_server.url + conversation.get_absolute_url())
    assert phone.get_by_text(f"Reply {MAX_DEPTH}:", exact=False).count() >= 1
    assert phone.get_by_role("link", name=ADDRESS).count() >= 1
    assert _width(phone) <= PHONE["width"]
