"""Changes that matter to an account's safety are told to its owner by email, in plain English:
what changed, when and from where, and what to do if it was not them. Nothing is sent when the
change did not happen."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from grassroots.accounts.adapter import AccountAdapter
from grassroots.accounts.models import User
from grassroots.accounts.tests.conftest import sign_in, sign_in_with_code, totp_code
from grassroots.accounts.tests.factories import PASSWORD, UserFactory, make_councillor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase"
ACTIVATE = "/accounts/2fa/totp/activate/"


def _sent(subject: str) -> list[Any]:
    return [m for m in mail.outbox if m.subject == f"[Grassroots] {subject}"]


def _the_one(subject: str, to: str) -> str:
    found = _sent(subject)
    assert len(found) == 1, [m.subject for m in mail.outbox]
    assert found[0].to == [to]
    return str(found[0].body)


def _says_when_where_and_what_to_do(body: str) -> None:
    assert "(UK time), from:" in body
    assert "IP address: 127.0.0.1" in body
    assert "If this was you, you do not need to do anything." in body
    assert re.search(r"https?://\S+/accounts/password/reset/\n", body)
    assert "{%" not in body
    assert "{{" not in body


@pytest.fixture
def signed_in(client: Client) -> User:
    user = UserFactory(email="kim@example.org")
    assert sign_in(client, user).status_code == 302
    return user


def test_changing_your_password_is_told_by_email(
    client: Client, signed_in: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    body = _the_one("Your password has been changed", "kim@example.org")
    assert "The password for your account has been changed." in body
    _says_when_where_and_what_to_do(body)


def test_behind_the_proxy_the_email_names_the_visitors_address(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The visitor made up the first entry; the proxy (10.0.0.2) appended what it saw.
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.10")
    user = UserFactory(email="kim@example.org")
    assert sign_in(client, user).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    body = _the_one("Your password has been changed", "kim@example.org")
    assert "IP address: 203.0.113.10" in body


def test_a_refused_password_change_sends_nothing(
    client: Client, signed_in: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": "not it at all", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 200
    assert mail.outbox == []
    signed_in.refresh_from_db()
    assert signed_in.check_password(PASSWORD)


def test_resetting_your_password_is_told_by_email(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "sam@example.org"})
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", str(mail.outbox[0].body)
    )
    assert link
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    body = _the_one("Your password has been reset", "sam@example.org")
    assert "reset with a link sent to this email address" in body
    _says_when_where_and_what_to_do(body)


def test_changing_your_email_address_tells_the_old_address(
    client: Client, signed_in: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"action_add": "1", "email": "kim.new@example.org"})
    assert _sent("Your email address has been changed") == []  # not until it is confirmed
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", str(mail.outbox[-1].body))
    assert link
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link.group(1))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=signed_in, primary=True).email == "kim.new@example.org"
    body = _the_one("Your email address has been changed", "kim@example.org")
    assert "from kim@example.org to kim.new@example.org" in body
    _says_when_where_and_what_to_do(body)


def test_turning_two_factor_authentication_on_and_off_is_told_by_email(
    client: Client,
    signed_in: User,
    reauthenticate: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    reauthenticate()
    client.get(ACTIVATE)
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert mail.outbox == []  # a wrong code turns nothing on
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ACTIVATE, {"code": totp_code(secret)}).status_code == 302
    body = _the_one("Two-factor authentication is on", "kim@example.org")
    assert "you will need a code from your authenticator app" in body
    _says_when_where_and_what_to_do(body)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    body = _the_one("Two-factor authentication is off", "kim@example.org")
    assert "You now sign in with your password alone." in body


def test_a_councillor_refused_turning_it_off_gets_no_email(
    client: Client,
    mfa_totp: Any,
    reauthenticate: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    councillor = make_councillor()
    secret = mfa_totp(councillor)
    sign_in_with_code(client, councillor, secret)
    reauthenticate()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/accounts/2fa/totp/deactivate/")
    assert refused.status_code == 200
    assert Authenticator.objects.filter(user=councillor, type=Authenticator.Type.TOTP).exists()
    assert _sent("Two-factor authentication is off") == []


def test_new_recovery_codes_are_told_by_email(
    client: Client,
    mfa_totp: Any,
    reauthenticate: Callable[[], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory(email="lee@example.org")
    secret = mfa_totp(user)
    sign_in_with_code(client, user, secret)
    reauthenticate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    body = _the_one("You have new recovery codes", "lee@example.org")
    assert "The old ones no longer work." in body


@pytest.mark.parametrize(
    ("prefix", "context", "subject", "says"),
    [
        ("account/email/password_set", {}, "A password has been set for your account", "set"),
        (
            "account/email/email_deleted",
            {"deleted_email": "old@example.org"},
            "An email address has been removed from your account",
            "The email address old@example.org has been removed",
        ),
    ],
)
def test_the_rarer_security_emails_read_as_plainly(
    rf: Any,
    django_capture_on_commit_callbacks: Any,
    prefix: str,
    context: dict[str, str],
    subject: str,
    says: str,
) -> None:
    user = UserFactory(email="ash@example.org")
    request = rf.get("/")
    with django_capture_on_commit_callbacks(execute=True), request_context(request):
        AccountAdapter().send_notification_mail(prefix, user, context)
    body = _the_one(subject, "ash@example.org")
    assert says in body
    _says_when_where_and_what_to_do(body)
