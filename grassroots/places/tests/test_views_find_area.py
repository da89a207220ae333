"""Find your area: a postcode (or a map point) leads to its ward, anything else to a clear error."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.places.models import Ward
from grassroots.places.tests.factories import (
    CouncilFactory,
    PostcodeFactory,
    WardFactory,
    square,
)

pytestmark = pytest.mark.django_db

FIND = reverse("places:find")


def find(client: Client, **params: str) -> Any:
    return client.get(FIND, params)


def error_summary(content: bytes) -> str:
    """The text of the page's error summary (there must be exactly one)."""
    page = content.decode()
    summaries = re.findall(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert len(summaries) == 1, f"expected one error summary, found {len(summaries)}"
    return html.unescape(re.sub(r"<[^>]+>", " ", summaries[0]))


def field_error(content: bytes) -> str:
    match = re.search(
        r'<p id="id_postcode-error" class="govuk-error-message">(.*?)</p>', content.decode(), re.S
    )
    assert match, "the postcode field has no error message"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def typed_value(content: bytes) -> str | None:
    match = re.search(r'<input[^>]*name="postcode"[^>]*>', content.decode())
    assert match, "no postcode input on the page"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else None


def assert_error_page(response: Any, message: str) -> None:
    assert response.status_code == 200
    content = response.content
    assert message in error_summary(content)
    assert message in field_error(content)
    # The summary links to the field, which is marked as in error and described by the message.
    assert b'href="#id_postcode"' in content
    assert b"govuk-input--error" in content
    assert re.search(rb'aria-describedby="[^"]*id_postcode-error', content)
    assert re.search(rb"<title>\s*Error: ", content)


@pytest.fixture
def ward() -> Ward:
    return WardFactory(name="Riverside", slug="riverside", gss_code="E05000001")


@pytest.mark.parametrize("typed", ["SW1A 1AA", "sw1a1aa", "  Sw1A   1aA ", "sw1a\t1aa"])
def test_a_postcode_however_typed_leads_to_its_ward(client: Client, ward: Ward, typed: str) -> None:
    PostcodeFactory(postcode="SW1A 1AA", ward_code=ward.gss_code)
    response = find(client, postcode=typed)
    assert response.status_code == 302
    assert response["Location"] == ward.get_absolute_url()


def test_the_ward_page_it_leads_to_names_the_ward(client: Client, ward: Ward) -> None:
    PostcodeFactory(postcode="SW1A 1AA", ward_code=ward.gss_code)
    response = client.get(FIND, {"postcode": "sw1a 1aa"}, follow=True)
    assert response.status_code == 200
    assert b"Riverside" in response.content


def test_an_unknown_postcode_says_so_and_keeps_what_was_typed(client: Client) -> None:
    response = find(client, postcode="zz9 9zz")
    assert_error_page(response, "We could not find the postcode ZZ9 9ZZ")
    assert typed_value(response.content) == "zz9 9zz"


def test_a_terminated_postcode_says_it_is_no_longer_in_use(client: Client, ward: Ward) -> None:
    PostcodeFactory(
        postcode="AB1 2CD", ward_code=ward.gss_code, terminated_on=datetime.date(2019, 6, 1)
    )
    response = find(client, postcode="ab12cd")
    assert_error_page(response, "The postcode AB1 2CD is no longer in use")
    assert "June 2019" in error_summary(response.content)
    assert typed_value(response.content) == "ab12cd"


@pytest.mark.parametrize(
    "typed", ["hello", "12345", "SW1A", "<script>alert(1)</script>", "ÅB1 2CD"]
)
def test_text_that_is_not_a_postcode_asks_for_a_real_one(client: Client, typed: str) -> None:
    response = find(client, postcode=typed)
    assert_error_page(response, "Enter a real postcode")
    assert typed_value(response.content) == typed
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_postcode_asks_for_one(client: Client, typed: str) -> None:
    response = find(client, postcode=typed)
    assert_error_page(response, "Enter a postcode")


def test_the_look_up_address_on_its_own_goes_to_the_question(client: Client) -> None:
    response = find(client)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_huge_input_is_refused_clearly(client: Client) -> None:
    typed = "SW1A 1AA" * 5000
    response = find(client, postcode=typed)
    assert_error_page(response, "Enter a real postcode")
    # Kept as typed, and the field still says how long a postcode can be.
    assert typed_value(response.content) == typed
    assert b'maxlength="20"' in response.content


def test_the_example_postcode_on_the_home_page_is_one_the_site_accepts(
    client: Client, ward: Ward
) -> None:
    # Retired and unknown-ward postcodes sort first: neither may be offered as the example.
    PostcodeFactory(
        postcode="AA1 1AA", ward_code=ward.gss_code, terminated_on=datetime.date(2019, 6, 1)
    )
    PostcodeFactory(postcode="AB1 1AA", ward_code="E05999999", latitude=None, longitude=None)
    PostcodeFactory(postcode="GR3 1BN", ward_code=ward.gss_code)

    page = client.get("/").content.decode()
    example = re.search(r"For example, ([A-Z0-9 ]+)<", page)
    assert example, "the home page shows no example postcode"
    assert example.group(1) == "GR3 1BN"
    assert "SW1A 1AA" not in page

    response = find(client, postcode=example.group(1))
    assert response.status_code == 302
    assert response["Location"] == ward.get_absolute_url()


def test_without_postcodes_the_home_page_offers_no_example(client: Client) -> None:
    page = client.get("/").content.decode()
    assert "For example" not in page
    assert "SW1A 1AA" not in page
    assert_error_page(find(client, postcode="hello"), "Enter a real postcode")


def test_the_home_page_shows_no_error_until_asked(client: Client) -> None:
    response = client.get("/")
    assert b"govuk-error-summary" not in response.content
    assert b"govuk-error-message" not in response.content
    assert not re.search(rb"<title>\s*Error", response.content)


def test_a_postcode_whose_ward_is_not_imported_is_found_by_its_location(client: Client) -> None:
    ward = WardFactory(geometry=square(1.5, 53.0), name="Hilltop")
    PostcodeFactory(postcode="HT1 1AA", ward_code="E05999999", latitude=53.005, longitude=1.505)
    response = find(client, postcode="HT1 1AA")
    assert response.status_code == 302
    assert response["Location"] == ward.get_absolute_url()


def test_a_retired_ward_is_never_the_answer(client: Client) -> None:
    council = CouncilFactory()
    old = WardFactory(
        council=council,
        slug="old-town",
        geometry=square(1.5, 53.0),
        retired_at=datetime.datetime(2022, 5, 1, tzinfo=datetime.UTC),
    )
    new = WardFactory(council=council, slug="old-town", geometry=square(1.5, 53.0))
    PostcodeFactory(postcode="OT1 1AA", ward_code=old.gss_code, latitude=53.005, longitude=1.505)
    response = find(client, postcode="OT1 1AA")
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()


def test_a_postcode_only_in_a_retired_ward_is_not_covered(client: Client) -> None:
    old = WardFactory(
        geometry=square(1.5, 53.0), retired_at=datetime.datetime(2022, 5, 1, tzinfo=datetime.UTC)
    )
    PostcodeFactory(postcode="OT1 1AA", ward_code=old.gss_code, latitude=53.005, longitude=1.505)
    response = find(client, postcode="OT1 1AA")
    assert_error_page(response, "does not cover the area of OT1 1AA yet")


def test_a_postcode_outside_every_ward_is_not_covered(client: Client) -> None:
    WardFactory(geometry=square(1.5, 53.0))
    PostcodeFactory(postcode="FA1 1AA", ward_code="", latitude=50.5, longitude=-4.0)
    assert_error_page(find(client, postcode="FA1 1AA"), "does not cover the area of FA1 1AA yet")


def test_a_postcode_without_a_location_or_ward_is_not_covered(client: Client) -> None:
    PostcodeFactory(postcode="NL1 1AA", ward_code="", latitude=None, longitude=None)
    assert_error_page(find(client, postcode="NL1 1AA"), "does not cover the area of NL1 1AA yet")


def test_a_map_point_leads_to_the_ward_containing_it(client: Client) -> None:
    ward = WardFactory(geometry=square(1.5, 53.0))
    response = find(client, lat="53.005", lon="1.505")
    assert response.status_code == 302
    assert response["Location"] == ward.get_absolute_url()


def test_a_map_point_in_no_ward_says_so(client: Client) -> None:
    WardFactory(geometry=square(1.5, 53.0))
    response = find(client, lat="51.5", lon="-0.1")
    assert_error_page(response, "We could not find a ward at that location")


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lon": "1"},
        {"lat": "53"},
        {"lon": "1"},
        {"lat": "", "lon": ""},
        {"lat": "nan", "lon": "nan"},
        {"lat": "inf", "lon": "-inf"},
        {"lat": "1e309", "lon": "1"},
        {"lat": "9" * 5000, "lon": "1"},
    ],
)
def test_a_map_point_that_is_not_numbers_is_refused_clearly(
    client: Client, params: dict[str, str]
) -> None:
    assert_error_page(find(client, **params), "We could not read that location")


@pytest.mark.parametrize("params", [{"lat": "0", "lon": "0"}, {"lat": "53", "lon": "120"}])
def test_a_map_point_far_away_is_refused_clearly(client: Client, params: dict[str, str]) -> None:
    assert_error_page(find(client, **params), "outside the area Grassroots covers")


@pytest.mark.parametrize(
    "query",
    [
        "postcode=%00",
        "postcode=%ff%fe",
        "postcode=a&postcode=b",
        "lat=%00&lon=%00",
        "lat[]=1&lon[]=2",
        "postcode[]=SW1A+1AA",
        "postcode=" + "%E2%80%8B" * 3000,
    ],
)
def test_nothing_typed_causes_a_server_error(client: Client, query: str) -> None:
    response = client.get(f"{FIND}?{query}")
    assert response.status_code in (200, 302)


def test_the_look_up_only_answers_get(client: Client) -> None:
    assert client.post(FIND, {"postcode": "SW1A 1AA"}).status_code == 405


def square_with_hole(lon: float, lat: float, size: float, hole: float) -> dict[str, Any]:
    """A square whose middle is cut out: its bounding box contains points it does not."""
    outer = square(lon, lat, size)["coordinates"][0]
    inset = (size - hole) / 2
    inner = square(lon + inset, lat + inset, hole)["coordinates"][0]
    return {"type": "Polygon", "coordinates": [outer, list(reversed(inner))]}


def test_a_look_up_costs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    # Forty wards whose boxes contain the point but whose shapes do not (the point is in their
    # hole), so any query made per candidate ward would show.
    council = CouncilFactory()
    for _ in range(40):
        WardFactory(council=council, geometry=square_with_hole(1.0, 53.0, size=1.0, hole=0.2))
    target = WardFactory(council=council, geometry=square(1.49, 53.49, size=0.02))
    PostcodeFactory(postcode="QC1 1AA", ward_code="E05999999", latitude=53.5, longitude=1.5)
    with django_assert_max_num_queries(3):
        response = find(client, postcode="QC1 1AA")
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
