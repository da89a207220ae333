"""Your account pages: only for you, and only when signed in."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.conftest import sign_in
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = ["/account/", "/account/edit", "/account/download", "/account/delete"]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ["/account/edit", "/account/delete"])
def test_anonymous_posts_change_nothing(client: Client, path: str) -> None:
    user = UserFactory(display_name="Sam")
    response = client.post(path, {"display_name": "Hacked", "confirm": "on", "user": user.pk})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Sam"
    assert user.anonymised_at is None


@pytest.fixture
def two_people(client: Client) -> tuple[User, User]:
    me = UserFactory(email="me@example.org", display_name="Me")
    other = UserFactory(email="other@example.org", display_name="Other", postcode="GR1 1AA")
    sign_in(client, me)
    return me, other


def test_you_can_only_change_your_own_profile(
    client: Client, two_people: tuple[User, User]
) -> None:
    me, other = two_people
    for extra in ({"user": other.pk}, {"pk": other.pk}, {"email": other.email}):
        client.post("/account/edit", {"display_name": "Changed", "postcode": "", **extra})
        client.post(f"/account/edit?user={other.pk}", {"display_name": "Changed", "postcode": ""})
    me.refresh_from_db()
    other.refresh_from_db()
    assert me.display_name == "Changed"
    assert (other.display_name, other.postcode) == ("Other", "GR1 1AA")


def test_you_can_only_download_your_own_data(
    client: Client, two_people: tuple[User, User], reauthenticate: Callable[[], None]
) -> None:
    _me, other = two_people
    reauthenticate()
    data = json.loads(client.get(f"/account/download?user={other.pk}").content)
    assert data["account"]["email"] == "me@example.org"
    assert "other@example.org" not in json.dumps(data)


def test_you_can_only_delete_your_own_account(
    client: Client, two_people: tuple[User, User], reauthenticate: Callable[[], None]
) -> None:
    me, other = two_people
    reauthenticate()
    client.post(f"/account/delete?user={other.pk}", {"confirm": "on", "user": other.pk})
    me.refresh_from_db()
    other.refresh_from_db()
    assert me.anonymised_at is not None
    assert other.anonymised_at is None
    assert other.is_active


def test_your_postcode_is_shown_only_to_you(client: Client, two_people: tuple[User, User]) -> None:
    body = client.get("/account/").content.decode()
    assert "me@example.org" in body
    assert "GR1 1AA" not in body
    assert "other@example.org" not in body
