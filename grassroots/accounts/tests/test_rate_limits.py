"""Rate limits on sign-in, sign-up and password reset (allauth's, set in ACCOUNT_RATE_LIMITS)."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
BLOCKED = "You have tried to sign in too many times. Wait 5 minutes, then try again"


def _fail(client: Client, email: str) -> str:
    return client.post(LOGIN, {"login": email, "password": "not the password"}).content.decode()


def test_five_failed_sign_ins_block_that_address_even_with_the_right_password(
    client: Client,
) -> None:
    user = UserFactory()
    for _ in range(5):
        assert "The email address or password is not correct" in _fail(client, user.email)

    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})

    body = response.content.decode()
    assert response.status_code == 200
    assert BLOCKED in body
    assert "There is a problem" in body
    assert client.get("/account/").status_code == 302


def test_the_block_is_per_address(client: Client) -> None:
    blocked, other = UserFactory(), UserFactory()
    for _ in range(6):
        _fail(client, blocked.email)
    assert client.post(LOGIN, {"login": other.email, "password": PASSWORD}).status_code == 302


def test_one_ip_address_cannot_try_many_addresses(client: Client) -> None:
    for n in range(20):
        assert BLOCKED not in _fail(client, f"guess{n}@example.org")
    assert BLOCKED in _fail(client, "guess-more@example.org")


def test_a_successful_sign_in_does_not_use_up_the_allowance(client: Client) -> None:
    user = UserFactory()
    for _ in range(4):
        _fail(client, user.email)
    for _ in range(3):
        assert Client().post(LOGIN, {"login": user.email, "password": PASSWORD}).status_code == 302


def test_too_many_password_resets_get_a_gov_uk_page(client: Client) -> None:
    UserFactory(email="sam@example.org")
    for _ in range(3):
        response = client.post("/accounts/password/reset/", {"email": "sam@example.org"})
        assert response.status_code == 302
    response = client.post("/accounts/password/reset/", {"email": "sam@example.org"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many attempts" in body
    assert 'class="govuk-template"' in body


def test_too_many_sign_ups_from_one_ip_address_are_refused(client: Client) -> None:
    for n in range(10):
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"new{n}@example.org",
                "password1": "a long passphrase",
                "password2": "a long passphrase",
            },
        )
        assert response.status_code == 302
        client.logout()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "one-more@example.org",
            "password1": "a long passphrase",
            "password2": "a long passphrase",
        },
    )
    assert response.status_code == 429
