"""Creating an account: email and password, then a verification mail with a link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
GOOD = {
    "email": "Sam@Example.org",
    "password1": "a long enough passphrase",
    "password2": "a long enough passphrase",
}


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def test_the_form_has_gov_uk_labels_and_no_placeholders(client: Client) -> None:
    body = client.get(SIGNUP).content.decode()
    assert '<label class="govuk-label" for="id_email">Email address</label>' in body
    assert '<label class="govuk-label" for="id_password1">Create a password</label>' in body
    assert 'autocomplete="new-password"' in body
    assert "placeholder=" not in body
    assert "Use at least 10 characters" in body


def test_signing_up_sends_a_verification_email_after_the_commit(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(SIGNUP, GOOD)
    # Nothing is sent inside the transaction: the mail task is queued on commit.
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@example.org"]
    assert message.subject == "[Grassroots] Confirm your email address"
    assert "To confirm your email address for Grassroots, open this link:" in message.body
    assert "/accounts/confirm-email/" in message.body
    user = User.objects.get(email="sam@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    page = client.get(response["Location"]).content.decode()
    assert "Check your email" in page


def test_the_link_in_the_email_confirms_the_address_and_signs_you_in(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, GOOD)
    link = _link(str(mail.outbox[0].body))

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm that sam@example.org is your email address." in page.content.decode()

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert EmailAddress.objects.get(email="sam@example.org").verified
    assert client.get("/account/").status_code == 200


def test_you_cannot_sign_in_before_confirming(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, GOOD)
    client.logout()

    response = client.post(
        "/accounts/login/", {"login": "sam@example.org", "password": GOOD["password1"]}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/account/")["Location"].startswith("/accounts/login/")


def test_an_old_or_wrong_link_says_so(client: Client) -> None:
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "This link has expired or has already been used." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "password1": "", "password2": ""}, "email", "Enter your email address"),
        (
            {**GOOD, "email": "not an email"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ({**GOOD, "password1": "", "password2": ""}, "password1", "Enter a password"),
        (
            {**GOOD, "password1": "short", "password2": "short"},
            "password1",
            "This password is too short",
        ),
        (
            {**GOOD, "password2": "something else entirely"},
            "password2",
            "You must type the same password each time.",
        ),
    ],
)
def test_mistakes_are_shown_in_a_gov_uk_error_summary(
    client: Client, data: dict[str, str], field: str, message: str
) -> None:
    response = client.post(SIGNUP, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Create an account", body)
    assert "There is a problem" in body
    assert re.search(rf'<a href="#id_{field}">{re.escape(message)}', body), body
    assert f'id="id_{field}-error"' in body
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signing_up_with_a_taken_address_reveals_nothing_but_tells_the_owner(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Grassroots] You already have an account"
    assert "/accounts/password/reset/" in mail.outbox[0].body
