"""Councillors, officers, site admins and safeguarding contacts must set up TOTP before they use
the site."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.tests.conftest import sign_in, sign_in_with_code, totp_code
from grassroots.accounts.tests.factories import (
    UserFactory,
    make_councillor,
    make_editor,
    make_moderator,
    make_officer,
    make_site_admin,
)
from grassroots.moderation.models import SafeguardingContact
from grassroots.places.tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
TODAY = timezone.localdate()
LAST_WEEK = TODAY - datetime.timedelta(days=7)
LONG_AGO = TODAY - datetime.timedelta(days=4 * 365)


def make_safeguarding_contact(*, linked: bool = True) -> User:
    """A council's safeguarding contact; `linked=False`: named by email only, not the account."""
    user = UserFactory()
    SafeguardingContact.objects.create(
        council=CouncilFactory(),
        name=user.display_name,
        email=user.email,
        user=user if linked else None,
    )
    return user


ROLE_HOLDERS: dict[str, Callable[[], User]] = {
    "councillor": make_councillor,
    "officer": make_officer,
    "site admin": make_site_admin,
    "safeguarding contact": make_safeguarding_contact,
    "editor": make_editor,
}
NO_MFA_NEEDED: dict[str, Callable[[], User]] = {
    "resident": UserFactory,
    "moderator": make_moderator,
    "former councillor": lambda: make_councillor(starts_on=LONG_AGO, ends_on=LAST_WEEK),
    "former officer": lambda: make_officer(starts_on=LONG_AGO, ends_on=LAST_WEEK),
    "councillor from next year": lambda: make_councillor(
        starts_on=TODAY + datetime.timedelta(days=365)
    ),
    "safeguarding contact by email only": lambda: make_safeguarding_contact(linked=False),
}


@pytest.mark.parametrize("role", ROLE_HOLDERS)
@pytest.mark.parametrize("path", ["/", "/admin/", "/account/"])
def test_role_holders_without_totp_are_sent_to_set_it_up(
    client: Client, role: str, path: str
) -> None:
    client.force_login(ROLE_HOLDERS[role]())
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


@pytest.mark.parametrize("role", ROLE_HOLDERS)
def test_role_holders_with_totp_use_the_site(client: Client, mfa_totp: Any, role: str) -> None:
    user = ROLE_HOLDERS[role]()
    mfa_totp(user)
    client.force_login(user)
    assert client.get("/").status_code == 200
    admin = client.get("/admin/")
    if user.is_staff:
        assert admin.status_code == 200
    else:
        # Not staff: the admin asks them to sign in as staff, it does not ask for TOTP.
        assert admin.status_code == 302
        assert admin["Location"] != ACTIVATE


@pytest.mark.parametrize("role", NO_MFA_NEEDED)
def test_people_without_a_current_role_are_never_redirected(client: Client, role: str) -> None:
    client.force_login(NO_MFA_NEEDED[role]())
    assert client.get("/").status_code == 200
    assert client.get("/account/").status_code == 200


def test_the_setup_page_explains_why_and_shows_the_qr_code_and_the_key(
    client: Client, reauthenticate: Callable[[], None]
) -> None:
    councillor = make_councillor()
    sign_in(client, councillor)
    # allauth asks for the password again before anybody adds an authenticator.
    first = client.get("/", follow=True)
    assert first.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "Set up an authenticator app before you continue" in first.content.decode()
    reauthenticate()

    response = client.get("/", follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == ACTIVATE
    assert 'src="data:image/svg+xml;base64,' in body
    secret = client.session["mfa.totp.secret"]
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in body


def test_a_councillor_can_set_up_totp_and_then_use_the_site(
    client: Client, reauthenticate: Callable[[], None]
) -> None:
    councillor = make_councillor()
    sign_in(client, councillor)
    reauthenticate()
    client.get(ACTIVATE)
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert "<title>Error: " in wrong.content.decode()
    assert not Authenticator.objects.filter(user=councillor).exists()

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=councillor, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["officer", "safeguarding contact"])
def test_role_holders_cannot_turn_totp_off(
    client: Client, mfa_totp: Any, reauthenticate: Callable[[], None], role: str
) -> None:
    officer = ROLE_HOLDERS[role]()
    secret = mfa_totp(officer)
    sign_in_with_code(client, officer, secret)
    reauthenticate()

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert "You cannot turn off two-factor authentication" in response.content.decode()
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


def test_a_resident_can_turn_totp_off(
    client: Client, mfa_totp: Any, reauthenticate: Callable[[], None]
) -> None:
    resident = UserFactory()
    secret = mfa_totp(resident)
    sign_in_with_code(client, resident, secret)
    reauthenticate()

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=resident, type=Authenticator.Type.TOTP).exists()


def test_signing_in_with_totp_asks_for_the_code(client: Client, mfa_totp: Any) -> None:
    admin = make_site_admin()
    secret = mfa_totp(admin)

    response = sign_in(client, admin)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # The password alone does not sign you in.
    assert client.get("/account/")["Location"].startswith("/accounts/login/")

    page = client.get("/accounts/2fa/authenticate/")
    assert "Enter the code from your authenticator app" in page.content.decode()

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "12345x"})
    assert wrong.status_code == 200
    assert "The code is not correct" in wrong.content.decode()

    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admins_own_login_form_cannot_skip_the_code(client: Client, mfa_totp: Any) -> None:
    admin = make_site_admin()
    mfa_totp(admin)
    response = client.post(
        "/admin/login/", {"username": admin.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302
