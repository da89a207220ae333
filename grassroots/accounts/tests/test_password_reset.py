"""Forgotten passwords: a link by email, then a new password."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from grassroots.accounts.tests.conftest import sign_in
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a brand new passphrase"


def test_a_reset_link_arrives_and_sets_a_new_password(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "SAM@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert "Check your email" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@example.org"]
    assert message.subject == "[Grassroots] Reset your password"
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", str(message.body))
    assert match

    # allauth moves the key out of the address bar before showing the form.
    form_page = client.get(match.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert sign_in(Client(), user, NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), user).status_code == 200  # the old password no longer works


def test_an_unknown_address_gets_the_same_page_and_an_honest_email(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox[0].subject == "[Grassroots] There is no account with this email address"


def test_an_empty_address_is_explained(client: Client) -> None:
    body = client.post(RESET, {"email": ""}).content.decode()
    assert re.search(r"<title>\s*Error: Reset your password", body)
    assert '<a href="#id_email">Enter your email address</a>' in body


def test_a_broken_link_says_so(client: Client) -> None:
    response = client.get("/accounts/password/reset/key/1-set-password/", follow=True)
    body = response.content.decode()
    assert "This link does not work" in body
    assert 'href="/accounts/password/reset/"' in body
