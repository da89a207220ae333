"""In a real browser: a lead of a safeguarded initiative invites a resident, who accepts.

Every page on the way passes axe-core (WCAG 2.2 A and AA), with JavaScript off; an outsider
still gets the same 404 as for an initiative that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.accounts.tests.factories import PASSWORD, UserFactory
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.initiatives.models import Membership, MembershipStatus, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A function giving a fresh tab (its own cookies) for each person in the journey."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(java_script_enabled=False)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _sign_in(page: Any, base: str, email: str) -> None:
    visit(page, base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert_accessible(page)


def test_a_lead_invites_a_resident_who_accepts(new_page: Any, live_server: Any) -> None:
    lead = UserFactory(email="lead@example.org", display_name="Ola")
    initiative = InitiativeFactory(
        created_by=lead, title="Thursday circle", visibility=Visibility.SAFEGUARDED
    )
    resident = UserFactory(email="sam@example.org", display_name="Sam")
    UserFactory(email="outsider@example.org")
    base = live_server.url
    url = base + initiative.get_absolute_url()

    # The lead invites Sam from the people section, first making a mistake.
    page = new_page()
    _sign_in(page, base, "lead@example.org")
    visit(page, url)
    with page.expect_navigation():
        page.get_by_role("link", name="Invite somebody to join").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("sam@example")
    _submit(page, "Send invitation")
    summary = page.locator(".govuk-error-summary")
    assert "Enter an email address in the correct format" in summary.inner_text()
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Message (optional)").fill("We meet on Thursdays. You would be welcome.")
    _submit(page, "Send invitation")
    assert page.get_by_text("We have invited sam@example.org").is_visible()
    assert page.get_by_role("button", name="Withdraw invitation").is_visible()

    # Sam finds the invitation from their account, looks, and accepts.
    page = new_page()
    _sign_in(page, base, "sam@example.org")
    visit(page, base + "/account/")
    with page.expect_navigation():
        page.get_by_role("link", name="Your invitations to join initiatives").click()
    assert_accessible(page)
    assert page.get_by_text("We meet on Thursdays. You would be welcome.").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Thursday circle").click()
    assert_accessible(page)
    assert page.get_by_text("Ola invited you to join this initiative").is_visible()
    _submit(page, "Accept and join")
    assert page.get_by_text("You are now a member of Thursday circle").is_visible()
    assert page.get_by_role("button", name="Leave the initiative").is_visible()
    membership = Membership.objects.get(initiative=initiative, user=resident)
    assert membership.status == MembershipStatus.APPROVED
    visit(page, base + "/initiatives/invitations/")
    assert page.get_by_text("You have no invitations waiting for an answer.").is_visible()

    # Somebody else still cannot tell it exists.
    page = new_page()
    _sign_in(page, base, "outsider@example.org")
    response = visit(page, url)
    assert response.status == 404
    assert page.get_by_text("Thursday circle").count() == 0
