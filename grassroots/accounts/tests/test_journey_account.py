"""A resident's whole account journey in a real browser, with axe-core on every page."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from django.core import mail

from grassroots.accounts.models import User
from grassroots.accounts.tests.conftest import totp_code
from grassroots.accounts.tests.factories import PASSWORD, UserFactory, make_councillor
from grassroots.core.tests.browser import assert_accessible, visit
from grassroots.places.tests.factories import PostcodeFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "robin@example.org"
NEW_PASSWORD = "a long and memorable passphrase"


def _wait_for_mail(count: int) -> Any:
    """The live server sends mail from its own thread, once its transaction has committed."""
    deadline = time.monotonic() + 5
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mail.outbox) >= count, [m.subject for m in mail.outbox]
    return mail.outbox[count - 1]


def _click(page: Any, name: str, role: str = "button") -> None:
    """Click, wait for the next page, and check it with axe."""
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()
    assert_accessible(page)


def test_a_resident_signs_up_uses_and_deletes_their_account(browser: Any, live_server: Any) -> None:
    ward = WardFactory(name="Riverside")
    PostcodeFactory(postcode="GR1 1AA", ward_code=ward.gss_code)
    page = browser.new_page()
    base = live_server.url

    # Sign up.
    visit(page, base + "/accounts/signup/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    _click(page, "Create account")
    assert page.get_by_role("heading", name="Check your email").is_visible()

    # The verification email arrives; its link confirms the address and signs us in.
    message = _wait_for_mail(1)
    assert message.to == [EMAIL]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert link, message.body
    visit(page, link.group(0))
    _click(page, "Confirm email address")
    assert page.url == base + "/account/"
    assert page.get_by_text("Your email address robin@example.org is confirmed.").is_visible()

    # Add a display name and a postcode; the ward shows on the account page.
    _click(page, "Change display name", role="link")
    page.get_by_label("Display name").fill("Robin")
    page.get_by_label("Postcode (optional)").fill("gr1 1aa")
    _click(page, "Save changes")
    assert page.url == base + "/account/"
    assert page.get_by_role("link", name="Riverside").is_visible()
    assert page.get_by_text("GR1 1AA").is_visible()

    # Download my data: confirm the password, then the JSON file downloads.
    _click(page, "Download your data (JSON)", role="link")
    assert page.get_by_role("heading", name="Confirm it is you").is_visible()
    page.get_by_label("Password").fill(NEW_PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Continue").click()
    download = download_info.value
    assert download.suggested_filename.startswith("grassroots-my-data-")
    with open(download.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["ward"] == "Riverside"

    # Sign out, then back in.
    visit(page, base + "/account/")
    _click(page, "Sign out", role="link")
    _click(page, "Sign out")
    assert page.get_by_text("You are signed out.").is_visible()
    _click(page, "Sign in", role="link")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    _click(page, "Sign in")
    assert page.url == base + "/account/"

    # Delete the account: confirm the password again, tick the box.
    _click(page, "Delete your account", role="link")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    _click(page, "Continue")
    assert page.get_by_role("heading", name="Delete your account").is_visible()
    _click(page, "Delete my account")
    assert page.get_by_text("There is a problem").is_visible()
    page.get_by_label("I understand that deleting my account cannot be undone").check()
    _click(page, "Delete my account")
    assert page.url == base + "/"
    assert page.get_by_text("Your account has been deleted").is_visible()
    user = User.objects.get(display_name="", anonymised_at__isnull=False)
    assert user.email != EMAIL
    page.close()


def test_a_failed_sign_in_is_accessible(browser: Any, live_server: Any) -> None:
    page = browser.new_page()
    visit(page, live_server.url + "/accounts/login/")
    _click(page, "Sign in")
    assert page.title().startswith("Error: Sign in")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password")
    _click(page, "Sign in")
    summary = page.get_by_role("alert")
    assert "The email address or password is not correct" in summary.inner_text()
    page.close()


def test_setting_up_an_authenticator_app_is_accessible(browser: Any, live_server: Any) -> None:
    councillor = make_councillor()
    page = browser.new_page()
    visit(page, live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(councillor.email)
    page.get_by_label("Password").fill(PASSWORD)
    _click(page, "Sign in")
    # A councillor must set up TOTP: allauth asks for the password again first.
    assert page.get_by_role("heading", name="Confirm it is you").is_visible()
    page.get_by_label("Password").fill(PASSWORD)
    _click(page, "Continue")
    assert page.get_by_role("heading", name="Set up an authenticator app").is_visible()
    assert page.locator('img[src^="data:image/svg+xml"]').is_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")

    page.get_by_label("Code from your authenticator app").fill("12")
    _click(page, "Turn on two-factor authentication")
    assert page.title().startswith("Error: ")

    page.get_by_label("Code from your authenticator app").fill(totp_code(secret))
    _click(page, "Turn on two-factor authentication")
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    _click(page, "Continue to your account", role="button")
    assert page.url == live_server.url + "/account/"
    page.close()


def test_the_account_pages_work_without_javascript(browser: Any, live_server: Any) -> None:
    user = UserFactory(email="nojs@example.org")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == live_server.url + "/account/"
    page.goto(live_server.url + "/account/edit")
    page.get_by_label("Display name").fill("No Script")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Your profile has been updated").is_visible()
    page.goto(live_server.url + "/accounts/logout/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You are signed out.").is_visible()
    context.close()
