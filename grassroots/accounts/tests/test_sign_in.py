"""Signing in and out with email and password."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from grassroots.accounts.tests.conftest import sign_in
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_signing_in_takes_you_to_your_account(client: Client) -> None:
    user = UserFactory()
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert "You are signed in." in client.get("/account/").content.decode()


def test_signing_in_returns_you_to_where_you_were_going(client: Client) -> None:
    user = UserFactory()
    response = client.post(
        f"{LOGIN}?next=/account/edit",
        {"login": user.email, "password": "correct horse battery staple", "next": "/account/edit"},
    )
    assert response["Location"] == "/account/edit"


def test_a_wrong_password_is_explained_without_saying_which_part_was_wrong(
    client: Client,
) -> None:
    user = UserFactory()
    response = client.post(LOGIN, {"login": user.email, "password": "wrong password"})
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Sign in", body)
    assert '<a href="#id_login">The email address or password is not correct</a>' in body
    unknown = client.post(LOGIN, {"login": "nobody@example.org", "password": "wrong password"})
    assert "The email address or password is not correct" in unknown.content.decode()


def test_empty_fields_are_explained(client: Client) -> None:
    body = client.post(LOGIN, {"login": "", "password": ""}).content.decode()
    assert '<a href="#id_login">Enter your email address</a>' in body
    assert '<a href="#id_password">Enter your password</a>' in body
    assert 'aria-describedby="id_login-error"' in body


def test_signing_out_asks_then_signs_you_out(client: Client) -> None:
    sign_in(client, UserFactory())
    page = client.get("/accounts/logout/")
    assert "Are you sure you want to sign out?" in page.content.decode()

    response = client.post("/accounts/logout/", follow=True)
    assert "You are signed out." in response.content.decode()
    assert client.get("/account/")["Location"].startswith(LOGIN)
