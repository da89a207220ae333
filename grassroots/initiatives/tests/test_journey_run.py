"""Running an initiative in a real browser: a busy page and each action form pass axe-core."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.initiatives.models import Milestone, Need, Stage, Update
from grassroots.initiatives.services import people
from grassroots.initiatives.tests.factories import BackingFactory, InitiativeFactory
from grassroots.testing.cast import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.MEDIA_ROOT = str(tmp_path)
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _sign_in(page: Any, base: str, email: str) -> None:
    visit(page, base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_a_lead_runs_a_busy_initiative(page: Any, live_server: Any, tmp_path: Path) -> None:
    lead = UserFactory(email="lead@example.org", display_name="Ola")
    initiative = InitiativeFactory(created_by=lead, title="Brook Street garden")
    make_member(initiative, UserFactory(display_name="Kim"))
    people.membership_request(initiative=initiative, user=UserFactory(), message="Can I help?")
    BackingFactory(initiative=initiative)
    Need.objects.create(initiative=initiative, kind="money", description="Bulbs", amount_pence=5050)
    Milestone.objects.create(initiative=initiative, title="Dig", due_on=datetime.date(2027, 3, 1))
    Update.objects.create(initiative=initiative, author=lead, text="We met the council")
    base = live_server.url
    _sign_in(page, base, "lead@example.org")

    url = base + initiative.get_absolute_url()
    visit(page, url)
    assert page.get_by_text("£50.50").is_visible()

    # Each action's form, and its error state.
    for path, button in [
        ("stage/", "Change the stage"),
        ("needs/add/", "Add need"),
        ("updates/add/", "Post update"),
        ("milestones/add/", "Add milestone"),
        ("edit/", "Save changes"),
    ]:
        visit(page, url + path)
        if path != "edit/":
            with page.expect_navigation():
                page.get_by_role("button", name=button).click()
            assert_accessible(page)
            assert page.locator(".govuk-error-summary").is_visible()

    # An update with a photo and its description, then a stage change with a note.
    photo = tmp_path / "bulbs.png"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(out, format="PNG")
    photo.write_bytes(out.getvalue())
    visit(page, url + "updates/add/")
    page.get_by_label("Update", exact=True).fill("Bulbs are in")
    page.get_by_label("Photo (optional)").set_input_files(str(photo))
    page.get_by_label("Describe the photo").fill("Bulbs in a row by the gate")
    with page.expect_navigation():
        page.get_by_role("button", name="Post update").click()
    assert_accessible(page)
    assert page.get_by_alt_text("Bulbs in a row by the gate").is_visible()

    visit(page, url + "stage/")
    page.get_by_label("Planning").check()
    page.get_by_label("Note (optional)").fill("We have a plan")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the stage").click()
    assert_accessible(page)
    initiative.refresh_from_db()
    assert initiative.stage == Stage.PLANNING
    assert page.get_by_text("We have a plan").is_visible()
