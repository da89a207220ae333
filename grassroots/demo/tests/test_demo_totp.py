"""`manage.py demo_totp EMAIL`: sign-in codes for the demo accounts, and for nobody else."""

from __future__ import annotations

import re
import time
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.core.management.base import CommandError

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.demo.borough import (
    RESIDENT_DOMAIN,
    SIGN_IN_EMAILS,
    TOTP_ROLES,
    demo_totp_code,
    demo_totp_secret,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings: Any) -> None:
    # The command runs only on development sites; Django's test runner turns DEBUG off.
    settings.DEBUG = True


def _demo_totp(email: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo_totp", email, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# First: the tests after it share one seeded borough (demo/tests/conftest.py), which a test
# without it in between would roll back.
def test_it_refuses_before_the_demo_is_seeded() -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        _demo_totp(SIGN_IN_EMAILS["councillor"])


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("role", sorted(TOTP_ROLES))
def test_it_prints_a_code_that_the_account_accepts(role: str) -> None:
    email = SIGN_IN_EMAILS[role]
    moment = (int(time.time()) // 30) * 30 + 3.0  # mid-period: the code cannot roll over
    with mock.patch("time.time", return_value=moment):
        out, err = _demo_totp(email.upper())
        code = out.strip()
        assert re.fullmatch(r"\d{6}", code)
        authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        assert validate_totp_code(decrypt(authenticator.data["secret"]), code)
        # …and the account's own authenticator accepts it, as the sign-in form would.
        assert authenticator.wrap().validate_code(code)
    assert "27 more seconds" in err
    assert demo_totp_secret(email) in err


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_the_code_follows_the_clock() -> None:
    email = SIGN_IN_EMAILS["councillor"]
    codes = {demo_totp_code(email, now=1_800_000_000 + 30 * n).code for n in range(5)}
    assert len(codes) > 1
    assert demo_totp_code(email, now=1_800_000_000).seconds_left == 30 - 1_800_000_000 % 30


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_it_refuses_an_account_outside_the_demo(mfa_totp: Any) -> None:
    stranger = UserFactory(email="councillor@example.org")
    mfa_totp(stranger)
    with pytest.raises(CommandError, match="not a demo sign-in"):
        _demo_totp("councillor@example.org")


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_it_refuses_a_generated_resident_and_the_password_only_sign_ins() -> None:
    with pytest.raises(CommandError, match="not a demo sign-in"):
        _demo_totp(f"resident001@{RESIDENT_DOMAIN}")
    for role in ("resident", "moderator"):
        with pytest.raises(CommandError, match="does not use an authenticator app"):
            _demo_totp(SIGN_IN_EMAILS[role])


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_it_refuses_when_the_account_has_its_own_authenticator(mfa_totp: Any) -> None:
    user = User.objects.get(email=SIGN_IN_EMAILS["officer"])
    Authenticator.objects.filter(user=user).delete()
    mfa_totp(user)  # someone set up their own app: its secret is theirs, not the demo's
    with pytest.raises(CommandError, match="no longer uses the demo authenticator"):
        _demo_totp(user.email)


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_it_refuses_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        _demo_totp(SIGN_IN_EMAILS["councillor"])
