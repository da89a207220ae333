"""Deleting your account: personal data goes, contributions stay as by a "Former member"."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.tests.conftest import sign_in
from grassroots.accounts.tests.factories import UserFactory, make_councillor, make_officer
from grassroots.core.audit import audit_record
from grassroots.core.models import AuditEntry
from grassroots.places.models import Councillor
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

DELETE = "/account/delete"


@pytest.fixture
def resident(client: Client) -> User:
    ward = WardFactory()
    user = UserFactory(
        email="sam@example.org", display_name="Sam Jones", postcode="GR1 1AA", ward=ward
    )
    sign_in(client, user)
    return user


def test_it_asks_you_to_confirm_your_password_first(client: Client, resident: User) -> None:
    response = client.get(DELETE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=%2Faccount%2Fdelete")

    client.post(DELETE, {"confirm": "on"})
    resident.refresh_from_db()
    assert resident.anonymised_at is None


def test_you_must_tick_the_box(
    client: Client, resident: User, reauthenticate: Callable[[], None]
) -> None:
    reauthenticate()
    response = client.post(DELETE, {})
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: ", body)
    assert '<a href="#id_confirm">Confirm that you want to delete your account</a>' in body
    resident.refresh_from_db()
    assert resident.anonymised_at is None
    assert resident.is_active


def test_deleting_anonymises_the_account_and_keeps_contributions(
    client: Client, resident: User, reauthenticate: Callable[[], None]
) -> None:
    ward = WardFactory()
    contribution = audit_record(
        actor=resident, action="initiative.created", obj=ward, summary="Started a litter pick"
    )
    reauthenticate()
    assert client.get(DELETE).status_code == 200

    response = client.post(DELETE, {"confirm": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Your account has been deleted" in response.content.decode()
    user = User.objects.get(pk=resident.pk)
    assert user.email != "sam@example.org"
    assert "sam" not in user.email
    assert user.display_name == ""
    assert user.postcode == ""
    assert user.ward is None
    assert user.anonymised_at is not None
    assert not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email__iexact="sam@example.org").exists()
    # What they wrote stays, attributed to a former member.
    contribution.refresh_from_db()
    assert contribution.actor == user
    assert str(contribution.actor) == "Former member"
    # And the deletion itself is on the record.
    entry = AuditEntry.objects.get(action="account.deleted", object_id=str(user.pk))
    assert "sam" not in entry.summary.lower()


def test_you_cannot_sign_in_after_deleting(
    client: Client, resident: User, reauthenticate: Callable[[], None]
) -> None:
    reauthenticate()
    client.post(DELETE, {"confirm": "on"})

    again = Client()
    response = sign_in(again, resident)
    assert response.status_code == 200
    assert "The email address or password is not correct" in response.content.decode()
    assert again.get("/account/").status_code == 302


def test_deleting_signs_you_out_everywhere(
    client: Client, resident: User, reauthenticate: Callable[[], None]
) -> None:
    other_device = Client()
    sign_in(other_device, resident)
    assert other_device.get("/account/").status_code == 200

    reauthenticate()
    client.post(DELETE, {"confirm": "on"})

    assert client.get("/account/")["Location"].startswith("/accounts/login/")
    assert other_device.get("/account/")["Location"].startswith("/accounts/login/")


def test_roles_end_with_the_account_but_public_records_stay(
    client: Client, mfa_totp: Callable[[User], str]
) -> None:
    user = make_officer(make_councillor())
    mfa_totp(user)
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": "correct horse battery staple"})
    # A TOTP user may confirm with the password too; allauth records it either way.
    client.post(DELETE, {"confirm": "on"})

    user.refresh_from_db()
    assert user.anonymised_at is not None
    assert not OfficerPost.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    councillor = Councillor.objects.get()
    assert councillor.user is None
    assert councillor.terms.exists()


def test_the_email_address_is_free_to_sign_up_again(
    client: Client, resident: User, reauthenticate: Callable[[], None]
) -> None:
    reauthenticate()
    client.post(DELETE, {"confirm": "on"})
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "sam@example.org",
            "password1": "a new long passphrase",
            "password2": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="sam@example.org", is_active=True).exists()
