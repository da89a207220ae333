"""Every allauth page we use renders in our GOV.UK layout, works without JavaScript and obeys
the CSP (no inline scripts or styles)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.conftest import sign_in, sign_in_with_code
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """Collects what the checks below need from one page."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self.placeholders = 0
        self.h1: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline_scripts += 1
        if "style" in a:
            self.style_attributes += 1
        if "placeholder" in a:
            self.placeholders += 1
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag == "h1":
            self.h1.append(a.get("class") or "")


def assert_gov_uk_page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    body = response.content.decode()
    page = _Page()
    page.feed(body)
    assert 'class="govuk-template"' in body, url
    assert page.h1 == ["govuk-heading-l"], (url, page.h1)
    assert page.inline_scripts == 0, url
    assert page.style_attributes == 0, url
    assert page.placeholders == 0, url
    for control in page.controls:
        if control.get("name") == "q":  # the admin-style filters never appear here
            continue
        assert control.get("id") in page.labels, (url, control)
    # Title-case allauth wording ("Sign In", "Two-Factor Authentication") is all replaced.
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    assert title
    assert not re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", title.group(1).split("–")[0])
    return body


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/done/",
]


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_pages_for_signing_in_and_up(client: Client, url: str) -> None:
    assert_gov_uk_page(client, url)


def test_a_broken_reset_link_page(client: Client) -> None:
    body = assert_gov_uk_page(client, "/accounts/password/reset/key/1-set-password/")
    assert "This link does not work" in body


@pytest.fixture
def resident(client: Client, reauthenticate: Callable[[], None]) -> User:
    user = UserFactory()
    sign_in(client, user)
    reauthenticate()
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/account/",
        "/account/edit",
        "/account/delete",
    ],
)
def test_pages_for_managing_your_account(client: Client, resident: User, url: str) -> None:
    assert_gov_uk_page(client, url)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/reauthenticate/",
    ],
)
def test_pages_for_two_factor_authentication(
    client: Client, mfa_totp: Callable[[User], str], url: str
) -> None:
    user = UserFactory()
    secret = mfa_totp(user)
    RecoveryCodes.activate(user)
    sign_in_with_code(client, user, secret)
    client.post("/accounts/reauthenticate/", {"password": "correct horse battery staple"})
    assert_gov_uk_page(client, url)


def test_the_code_page_at_sign_in(client: Client, mfa_totp: Callable[[User], str]) -> None:
    user = UserFactory()
    mfa_totp(user)
    sign_in(client, user)
    body = assert_gov_uk_page(client, "/accounts/2fa/authenticate/")
    assert 'autocomplete="one-time-code"' in body
    # "Cancel" signs you out of the half-finished sign-in, with a plain form post.
    assert 'form="logout-from-stage"' in body


def test_recovery_codes_are_listed_as_text(client: Client, mfa_totp: Callable[[User], str]) -> None:
    user = UserFactory()
    secret = mfa_totp(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    sign_in_with_code(client, user, secret)
    client.post("/accounts/reauthenticate/", {"password": "correct horse battery staple"})
    body = client.get("/accounts/2fa/recovery-codes/").content.decode()
    for code in codes:
        assert f"<code>{code}</code>" in body


def test_changing_your_email_address(client: Client, resident: User) -> None:
    response = client.post("/accounts/email/", {"action_add": "1", "email": "new@example.org"})
    assert response.status_code == 302
    body = client.get("/accounts/email/").content.decode()
    assert "We have sent a link to new@example.org" in body
    resident.refresh_from_db()
    assert resident.email != "new@example.org"  # not until the link is opened


def test_changing_your_password(client: Client, resident: User) -> None:
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery staple",
            "password1": "another long passphrase",
            "password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password("another long passphrase")

    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "nope", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert '<a href="#id_oldpassword">' in wrong.content.decode()
