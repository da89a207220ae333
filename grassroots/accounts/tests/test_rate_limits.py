"""Rate limits on sign-in, sign-up and password reset (allauth's, set in ACCOUNT_RATE_LIMITS)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SIGNUP = "/accounts/signup/"
BLOCKED = "You have tried to sign in too many times. Wait 15 minutes, then try again"
PROXY = "10.0.0.2"


def visitor(address: str, *, behind_proxy: bool = False) -> Client:
    """A browser at `address`, straight to the site or through our proxy (which appends the
    address it saw to X-Forwarded-For and connects from its own)."""
    if behind_proxy:
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return Client(REMOTE_ADDR=address)


def _fail(client: Client, email: str) -> str:
    return client.post(LOGIN, {"login": email, "password": "not the password"}).content.decode()


def _signed_in(client: Client, email: str) -> bool:
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    return response.status_code == 302


def test_five_wrong_passwords_then_the_right_one_signs_in() -> None:
    user = UserFactory()
    home = visitor("203.0.113.10")
    for _ in range(5):
        assert "The email address or password is not correct" in _fail(home, user.email)
    assert _signed_in(home, user.email)


def test_many_wrong_passwords_from_one_place_are_slowed_down() -> None:
    user = UserFactory()
    home = visitor("203.0.113.10")
    for _ in range(10):
        assert BLOCKED not in _fail(home, user.email)

    response = home.post(LOGIN, {"login": user.email, "password": PASSWORD})

    body = response.content.decode()
    assert response.status_code == 200
    assert BLOCKED in body
    assert "There is a problem" in body
    assert home.get("/account/").status_code == 302


def test_somebody_guessing_elsewhere_never_locks_the_owner_out() -> None:
    owner = UserFactory()
    attacker = visitor("198.51.100.66")
    for _ in range(25):
        _fail(attacker, owner.email)
    assert BLOCKED in _fail(attacker, owner.email)
    assert _signed_in(visitor("203.0.113.10"), owner.email)


def test_the_slow_down_is_per_account(client: Client) -> None:
    blocked, other = UserFactory(), UserFactory()
    for _ in range(11):
        _fail(client, blocked.email)
    assert _signed_in(client, other.email)


def test_one_address_cannot_try_many_accounts(client: Client) -> None:
    for n in range(20):
        assert BLOCKED not in _fail(client, f"guess{n}@example.org")
    assert BLOCKED in _fail(client, "guess-more@example.org")


def test_a_successful_sign_in_does_not_use_up_the_allowance(client: Client) -> None:
    user = UserFactory()
    for _ in range(9):
        _fail(client, user.email)
    for _ in range(3):
        assert _signed_in(Client(), user.email)
    assert _signed_in(client, user.email)


def test_behind_the_proxy_one_visitors_failures_do_not_block_another(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    a = visitor("203.0.113.10", behind_proxy=True)
    for n in range(21):
        _fail(a, f"guess{n}@example.org")
    assert BLOCKED in _fail(a, "guess-more@example.org")
    assert _signed_in(visitor("203.0.113.20", behind_proxy=True), user.email)


def test_behind_the_proxy_a_made_up_header_does_not_escape_the_limit(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        # Each time the visitor claims another address; the proxy appends the real one.
        liar = visitor(f"192.0.2.{n}, 203.0.113.10", behind_proxy=True)
        _fail(liar, f"guess{n}@example.org")
    liar = visitor("192.0.2.99, 203.0.113.10", behind_proxy=True)
    assert BLOCKED in _fail(liar, "guess-more@example.org")


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(20):
        _fail(visitor(f"192.0.2.{n}", behind_proxy=True), f"guess{n}@example.org")
    assert BLOCKED in _fail(visitor("192.0.2.99", behind_proxy=True), "guess-more@example.org")


@pytest.mark.usefixtures("held_clock")
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


def _sign_up(client: Client, email: str) -> int:
    response = client.post(
        SIGNUP,
        {"email": email, "password1": "a long passphrase", "password2": "a long passphrase"},
    )
    client.logout()
    return response.status_code


@pytest.mark.usefixtures("held_clock")
def test_too_many_sign_ups_from_one_ip_address_are_refused(client: Client) -> None:
    for n in range(10):
        assert _sign_up(client, f"new{n}@example.org") == 302
    assert _sign_up(client, "one-more@example.org") == 429


@pytest.mark.usefixtures("held_clock")
def test_behind_the_proxy_one_visitors_sign_ups_do_not_block_another(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    a = visitor("203.0.113.10", behind_proxy=True)
    for n in range(10):
        assert _sign_up(a, f"new{n}@example.org") == 302
    assert _sign_up(a, "one-more@example.org") == 429
    assert _sign_up(visitor("203.0.113.20", behind_proxy=True), "neighbour@example.org") == 302
