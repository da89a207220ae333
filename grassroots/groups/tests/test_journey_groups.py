"""In a real browser (JavaScript off and on), every page checked with axe-core:

a resident starts an invite-only group, invites a neighbour by email; the neighbour sees the
invitation in their notifications, accepts it, and is listed as a member.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.groups.models import Group, GroupMembership
from grassroots.places.tests.factories import WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[False, True], ids=["no-js", "js"])
def js(request: Any) -> bool:
    return bool(request.param)


@pytest.fixture
def contexts(browser: Any, js: bool) -> Iterator[Any]:
    opened: list[Any] = []
    errors: list[str] = []

    def new_page() -> Any:
        context = browser.new_context(java_script_enabled=js)
        opened.append(context)
        tab = context.new_page()
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return tab

    try:
        yield new_page
    finally:
        for context in opened:
            context.close()
    assert errors == [], "console errors (a CSP violation shows here)"


def _sign_in(page: Any, base: str, email: str, next_url: str) -> None:
    visit(page, f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    assert_accessible(page)


def test_a_resident_starts_an_invite_only_group_and_a_neighbour_joins_by_invitation(
    contexts: Any, live_server: Any
) -> None:
    ward = WardFactory(name="Riverside")
    UserFactory(email="ada@example.org", display_name="Ada", ward=ward)
    UserFactory(email="sam@example.org", display_name="Sam Okafor")
    base = live_server.url

    ada = contexts()
    _sign_in(ada, base, "ada@example.org", "/groups/")
    assert_accessible(ada)
    with ada.expect_navigation():
        ada.get_by_role("button", name="Start a group").click()
    assert_accessible(ada)
    assert ada.get_by_label("Riverside").is_checked()

    # A mistake first: no name.
    ada.get_by_label("What the group is for").fill("A quiet hour for carers, on Wednesdays.")
    ada.get_by_label("By invitation from an organiser").check()
    _submit(ada, "Start the group")
    assert ada.title().startswith("Error: Start a group")
    assert "Enter a name for the group" in ada.locator(".govuk-error-summary").inner_text()

    ada.get_by_label("Name of the group").fill("Carers' coffee morning")
    _submit(ada, "Start the group")
    assert ada.url == base + "/groups/carers-coffee-morning/"
    assert ada.get_by_text("Your group has been started").is_visible()
    assert ada.get_by_role("heading", level=1).inner_text() == "Carers' coffee morning"

    with ada.expect_navigation():
        ada.get_by_role("button", name="Invite somebody").click()
    assert_accessible(ada)
    ada.get_by_label("Email address").fill("sam@example.org")
    ada.get_by_label("Message (optional)").fill("Come and have a cup of tea with us.")
    _submit(ada, "Send the invitation")
    assert ada.get_by_text("We have invited sam@example.org.", exact=False).is_visible()
    assert "Sam Okafor" in ada.locator("[data-invitations]").inner_text()

    sam = contexts()
    _sign_in(sam, base, "sam@example.org", "/notifications/")
    assert_accessible(sam)
    with sam.expect_navigation():
        sam.get_by_role(
            "link", name="Ada (resident) invited you to join Carers' coffee morning"
        ).click()
    assert_accessible(sam)
    assert sam.get_by_text("Come and have a cup of tea with us.").is_visible()
    _submit(sam, "Accept and join")
    assert sam.get_by_text("You are now a member of Carers' coffee morning").is_visible()
    assert "Sam Okafor (you)" in sam.locator("[data-members]").inner_text()

    visit(ada, base + "/groups/carers-coffee-morning/")
    assert "Sam Okafor" in ada.locator("[data-members]").inner_text()
    assert ada.locator("[data-member-count]").inner_text() == "2"
    group = Group.objects.get()
    assert GroupMembership.objects.get(group=group, user__email="sam@example.org").status == (
        "active"
    )
