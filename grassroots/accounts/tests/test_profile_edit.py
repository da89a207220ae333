"""Changing your display name and your private postcode (which finds your ward)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.places.models import Postcode, Ward
from grassroots.places.tests.factories import PostcodeFactory, WardFactory

pytestmark = pytest.mark.django_db

EDIT = "/account/edit"


@pytest.fixture
def ward() -> Ward:
    return WardFactory(name="Riverside")


@pytest.fixture
def postcode(ward: Ward) -> Postcode:
    return PostcodeFactory(postcode="GR1 1AA", ward_code=ward.gss_code)


@pytest.fixture
def resident(client: Client) -> User:
    user = UserFactory(display_name="Sam")
    client.force_login(user)
    return user


def test_the_form_shows_what_you_have_now(client: Client, resident: User) -> None:
    resident.postcode = "GR1 1AA"
    resident.save()
    body = client.get(EDIT).content.decode()
    assert 'value="Sam"' in body
    assert 'value="GR1 1AA"' in body
    assert 'autocomplete="postal-code"' in body


def test_a_postcode_finds_your_ward(
    client: Client, resident: User, ward: Ward, postcode: Postcode
) -> None:
    response = client.post(EDIT, {"display_name": "Sam Jones", "postcode": "gr11aa"})

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    resident.refresh_from_db()
    assert resident.display_name == "Sam Jones"
    assert resident.postcode == "GR1 1AA"
    assert resident.ward == ward
    page = client.get("/account/").content.decode()
    assert "Riverside" in page
    assert ward.get_absolute_url() in page
    assert "Your profile has been updated" in page


def test_clearing_the_postcode_forgets_the_ward(
    client: Client, resident: User, ward: Ward, postcode: Postcode
) -> None:
    client.post(EDIT, {"display_name": "Sam", "postcode": "GR1 1AA"})
    client.post(EDIT, {"display_name": "Sam", "postcode": "  "})
    resident.refresh_from_db()
    assert resident.postcode == ""
    assert resident.ward is None


def test_a_postcode_outside_the_areas_we_cover_is_kept_privately(
    client: Client, resident: User
) -> None:
    PostcodeFactory(postcode="GR9 9ZZ", ward_code="E05999999", latitude=None, longitude=None)
    response = client.post(EDIT, {"display_name": "Sam", "postcode": "GR9 9ZZ"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.postcode == "GR9 9ZZ"
    assert resident.ward is None
    assert "We do not cover your area yet" in client.get("/account/").content.decode()


BAD_INPUT = [
    pytest.param(
        {"display_name": "", "postcode": ""},
        "display_name",
        "Enter a display name",
        id="empty name",
    ),
    pytest.param(
        {"display_name": "   ", "postcode": ""},
        "display_name",
        "Enter a display name",
        id="blank name",
    ),
    pytest.param(
        {"display_name": "x" * 81, "postcode": ""},
        "display_name",
        "Display name must be 80 characters or fewer",
        id="name too long",
    ),
    pytest.param(
        {"display_name": "<script>alert(1)</script>", "postcode": ""},
        "display_name",
        "Display name must not include &lt; or &gt;",
        id="script in name",
    ),
    pytest.param(
        {"display_name": "Sam\u0000Jones", "postcode": ""},
        "display_name",
        "Null characters are not allowed",
        id="null character in name",
    ),
    pytest.param(
        {"display_name": "Sam", "postcode": "not a postcode"},
        "postcode",
        "Enter a real postcode, like GR1 1AA",
        id="not a postcode",
    ),
    pytest.param(
        {"display_name": "Sam", "postcode": "<b>GR1 1AA</b>"},
        "postcode",
        "Enter a real postcode, like GR1 1AA",
        id="markup in postcode",
    ),
    pytest.param(
        {"display_name": "Sam", "postcode": "GR1 1AA" * 4},
        "postcode",
        "Enter a real postcode, like GR1 1AA",
        id="postcode too long",
    ),
    pytest.param(
        {"display_name": "Sam", "postcode": "ZZ9 9ZZ"},
        "postcode",
        "We could not find the postcode ZZ9 9ZZ",
        id="unknown postcode",
    ),
    pytest.param(
        {"display_name": "Sam", "postcode": "GR2 2BB"},
        "postcode",
        "The postcode GR2 2BB is no longer in use (Royal Mail retired it in January 2020)",
        id="terminated postcode",
    ),
    pytest.param({}, "display_name", "Enter a display name", id="nothing posted"),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_nothing_is_saved(
    client: Client,
    resident: User,
    postcode: Postcode,
    data: dict[str, Any],
    field: str,
    message: str,
) -> None:
    PostcodeFactory(postcode="GR2 2BB", terminated_on=datetime.date(2020, 1, 1))
    before = User.objects.values("display_name", "postcode", "ward").get(pk=resident.pk)

    response = client.post(EDIT, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r"<title>\s*Error: ", body)
    start = body.index('class="govuk-error-summary"')
    summary = body[start : body.index("</ul>", start)]
    assert "There is a problem" in summary
    assert re.search(rf'href="#id_{field}(_0)?"', summary)  # a group links to its first option
    assert message in summary
    assert f'id="id_{field}-error"' in body
    assert "<script>alert" not in body
    assert User.objects.values("display_name", "postcode", "ward").get(pk=resident.pk) == before


def test_a_terminated_postcode_gets_the_same_answer_as_on_the_home_page(
    client: Client, resident: User, postcode: Postcode
) -> None:
    PostcodeFactory(postcode="GR10 9ZZ", terminated_on=datetime.date(2021, 3, 1))

    profile = client.post(EDIT, {"display_name": "Sam", "postcode": "gr10 9zz"}).content.decode()
    home = Client().get("/find-your-area", {"postcode": "gr10 9zz"}).content.decode()

    message = "The postcode GR10 9ZZ is no longer in use (Royal Mail retired it in March 2021)."
    assert message in profile
    assert message in home


def test_the_postcode_never_appears_on_the_public_ward_page(
    client: Client, resident: User, ward: Ward, postcode: Postcode
) -> None:
    # The home page names a live postcode from the directory as an example; make it another
    # one, so that the check below is about the resident's own postcode.
    PostcodeFactory(postcode="GR1 0AA", ward_code=ward.gss_code)
    client.post(EDIT, {"display_name": "Sam", "postcode": "GR1 1AA"})
    resident.refresh_from_db()
    assert resident.ward == ward

    for viewer in (Client(), client):
        for url in (ward.get_absolute_url(), ward.council.get_absolute_url(), "/"):
            body = viewer.get(url).content.decode()
            assert "GR1 1AA" not in body, url
            assert "GR11AA" not in body, url


def test_the_account_page_costs_a_fixed_number_of_queries(
    client: Client,
    resident: User,
    ward: Ward,
    postcode: Postcode,
    django_assert_max_num_queries: Any,
) -> None:
    client.post(EDIT, {"display_name": "Sam", "postcode": "GR1 1AA"})
    # +2 for "Your actions" (open meeting actions, open agreed actions: one query each).
    with django_assert_max_num_queries(10):
        assert client.get("/account/").status_code == 200
