"""Fixtures for the accounts tests: signing in through allauth for real, and TOTP codes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import PASSWORD

# allauth accepts the code of the current 30-second period only: a code read in its last
# seconds could reach the server after the period ended (as it did once in CI, in a browser).
FRESH_SECONDS = 5


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app would show now for `secret` (allauth's own HOTP maths).
    Asked for now, in the last FRESH_SECONDS of a period it waits for the next one."""
    if at is None:
        left = 30 - time.time() % 30
        if left < FRESH_SECONDS:
            time.sleep(left + 0.1)
        at = time.time()
    return str(format_hotp_value(hotp_value(secret, int(at) // 30)))


def sign_in(client: Client, user: User, password: str = PASSWORD) -> Any:
    """Sign in through allauth's login form, as a person would (so allauth records it)."""
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def sign_in_with_code(client: Client, user: User, secret: str) -> None:
    """Sign in with the password, then the code the authenticator app shows for `secret`."""
    sign_in(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def reauthenticate(client: Client) -> Callable[[], None]:
    """Confirm the password again, as allauth asks before downloads and deletion."""

    def confirm(password: str = PASSWORD) -> None:
        response = client.post("/accounts/reauthenticate/", {"password": password})
        assert response.status_code == 302, response.content.decode()[:2000]

    return confirm
