"""A display name can neither pose as a role nor copy a sitting councillor's name, and loses the
invisible characters that make one name look like another."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from grassroots.accounts.forms import ProfileForm
from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory, make_councillor
from grassroots.places.tests.factories import CouncillorTermFactory

pytestmark = pytest.mark.django_db

EDIT = "/account/edit"


@pytest.fixture
def resident(client: Client) -> User:
    user = UserFactory(display_name="Sam")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "name",
    [
        "Councillor Sam",
        "Cllr Sam Jones",
        "cllr. sam",
        "C L L R Sam",
        "COUNCILLOR",
        "Councilor Jo",
        "Officer Dibble",
        "Moderator",
        "Site admin",
        "Riverside Council",
        "Council team",
        "C0uncill0r Sam",  # digits as letters
        "Сouncillor Sam",  # its first letter is Cyrillic
        "Ｃｏｕｎｃｉｌｌｏｒ Sam",  # full-width letters
        "Coun\u200bcillor Sam",  # a zero-width space inside the word
    ],
)
def test_it_refuses_a_name_that_poses_as_a_role(client: Client, resident: User, name: str) -> None:
    response = client.post(EDIT, {"display_name": name, "postcode": ""})
    assert response.status_code == 200
    assert "must not include a role" in response.content.decode()
    resident.refresh_from_db()
    assert resident.display_name == "Sam"


@pytest.mark.parametrize("name", ["Sam Councell", "Francis Cillor", "Ada Lovelace", "Modesty"])
def test_it_accepts_ordinary_names(client: Client, resident: User, name: str) -> None:
    response = client.post(EDIT, {"display_name": name, "postcode": ""})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.display_name == name


@pytest.mark.parametrize("name", ["Priya Patel", "priya  PATEL", "Priyа Patel", "Cllr Priya Patel"])
def test_it_refuses_a_sitting_councillors_name(client: Client, resident: User, name: str) -> None:
    CouncillorTermFactory(councillor__name="Priya Patel")
    response = client.post(EDIT, {"display_name": name, "postcode": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "must not be the name of one of the councillors" in body or "role" in body
    resident.refresh_from_db()
    assert resident.display_name == "Sam"


def test_a_former_councillors_name_is_free(client: Client, resident: User) -> None:
    CouncillorTermFactory(
        councillor__name="Priya Patel",
        starts_on=datetime.date(2014, 5, 1),
        ends_on=datetime.date(2018, 5, 1),
    )
    response = client.post(EDIT, {"display_name": "Priya Patel", "postcode": ""})
    assert response.status_code == 302


def test_a_councillor_may_use_their_own_name(client: Client) -> None:
    user = make_councillor(UserFactory(display_name="P"), councillor__name="Priya Patel")
    client.force_login(user)
    # (Role holders must set up two-factor sign-in before using the site; the profile
    # is under /account/, so the form itself decides here.)
    form = ProfileForm({"display_name": "Priya Patel", "postcode": ""}, user=user)
    assert form.is_valid(), form.errors
    other = ProfileForm({"display_name": "Priya Patel", "postcode": ""}, user=UserFactory())
    assert not other.is_valid()


def test_it_strips_direction_controls_and_hidden_joiners(client: Client, resident: User) -> None:
    name = "\u202eSam\u2066 \u200dJones\u200f\u061c"
    response = client.post(EDIT, {"display_name": name, "postcode": ""})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.display_name == "Sam Jones"
