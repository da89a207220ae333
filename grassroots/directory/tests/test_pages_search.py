"""The public pages: search by need and distance, a listing's pages, and what is never public."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from grassroots.directory.models import ListingStatus, Need, ServiceAtLocation
from grassroots.directory.search import Point, bounding_box, haversine_miles
from grassroots.directory.tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceFactory,
    full_service,
)
from grassroots.directory.tests.pages import (
    CENTRE_LAT,
    CENTRE_LON,
    POSTCODE,
    centre_postcode,
    offset,
    service_at,
)
from grassroots.places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db
SEARCH = reverse("directory:search")


def _names(response: Any) -> list[str]:
    return [r.service.name for r in response.context["results"]]


def test_haversine_agrees_with_a_known_distance() -> None:
    # London (51.5074, -0.1278) to Paris (48.8566, 2.3522) is about 213.5 miles.
    assert haversine_miles(Point(51.5074, -0.1278), Point(48.8566, 2.3522)) == pytest.approx(
        213.5, abs=1
    )


def test_the_bounding_box_holds_the_whole_circle() -> None:
    centre = Point(CENTRE_LAT, CENTRE_LON)
    box = bounding_box(centre, 2)
    for north, east in [(2, 0), (-2, 0), (0, 2), (0, -2)]:
        lat, lon = offset(north * 0.999, east * 0.999)
        assert box.min_lat <= lat <= box.max_lat
        assert box.min_lon <= lon <= box.max_lon


def test_within_two_miles_of_a_postcode_on_this_database(client: Any) -> None:
    centre_postcode()
    service_at("Inside north", 1.9, 0)
    service_at("Inside east", 0, -1.95)
    service_at("Close by", 0.3, 0.2)
    service_at("Outside north", 2.1, 0)
    service_at("Outside east", 0, 2.05)
    # In the bounding box's corner, but 2.12 miles away: only the exact distance drops it.
    service_at("Corner of the box", 1.5, 1.5)
    response = client.get(SEARCH, {"postcode": "gr31bn", "miles": "2"})
    assert response.status_code == 200
    assert _names(response) == ["Close by", "Inside north", "Inside east"]
    distances = [r.distance for r in response.context["results"]]
    assert distances == sorted(distances)
    assert distances[1] == pytest.approx(1.9, abs=0.01)
    assert response.context["map"] is not None
    assert len(response.context["map"].points) == 3
    # A wider circle takes in the rest.
    response = client.get(SEARCH, {"postcode": POSTCODE, "miles": "5"})
    assert len(_names(response)) == 6


def test_a_service_with_two_locations_is_listed_once_at_its_nearest(client: Any) -> None:
    centre_postcode()
    service = service_at("Two halls", 1.8, 0)
    lat, lon = offset(0.5, 0)
    ServiceAtLocation.objects.create(
        service=service, location=LocationFactory(name="Near hall", latitude=lat, longitude=lon)
    )
    response = client.get(SEARCH, {"postcode": POSTCODE, "miles": "2"})
    [result] = response.context["results"]
    assert result.distance == pytest.approx(0.5, abs=0.01)
    assert result.location.name == "Near hall"


def test_search_by_words_and_need(client: Any) -> None:
    ServiceFactory(name="Pantry", description="Cheap food shop", need=Need.FOOD)
    ServiceFactory(name="Debt clinic", description="Money advice", need=Need.MONEY)
    assert _names(client.get(SEARCH, {"q": "cheap SHOP"})) == ["Pantry"]
    assert _names(client.get(SEARCH, {"need": Need.MONEY})) == ["Debt clinic"]
    assert _names(client.get(SEARCH, {"q": "advice", "need": Need.FOOD})) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"postcode": "not a postcode"}, "Enter a real postcode, like GR3 1BN"),
        ({"postcode": "ZZ9 9ZZ"}, "We do not know the postcode ZZ9 9ZZ"),
        ({"postcode": "GR9 9ZZ"}, "is no longer in use"),
        ({"postcode": POSTCODE, "miles": "3"}, "Choose a distance from the list"),
        ({"postcode": POSTCODE, "miles": "-1"}, "Choose a distance from the list"),
        ({"postcode": POSTCODE, "miles": "1e308"}, "Choose a distance from the list"),
        ({"need": "spaceships"}, "Choose a kind of help from the list"),
        ({"q": "x" * 201}, "Search must be 200 characters or fewer"),
        ({"postcode": "x" * 50}, "Enter a real postcode, like GR3 1BN"),
    ],
)
def test_bad_search_input_says_what_is_wrong(
    client: Any, params: dict[str, str], message: str
) -> None:
    centre_postcode()
    PostcodeFactory(postcode="GR9 9ZZ", terminated_on=datetime.date(2020, 1, 1))
    ServiceFactory(name="Pantry")
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["results"] == []


def test_drafts_suggestions_and_archived_listings_are_never_public(client: Any) -> None:
    centre_postcode()
    hidden = [
        service_at(f"Hidden {status}", 0.1, 0, status=status)
        for status in (ListingStatus.DRAFT, ListingStatus.SUGGESTED, ListingStatus.ARCHIVED)
    ]
    draft_org = OrganizationFactory(listing_status=ListingStatus.SUGGESTED)
    hidden.append(
        service_at("Approved, under a suggested organisation", 0.1, 0, organization=draft_org)
    )
    shown = service_at("Shown", 0.1, 0)
    for params in ({}, {"postcode": POSTCODE}, {"q": "Hidden"}):
        assert _names(client.get(SEARCH, params)) in (["Shown"], [])
    for service in hidden:
        assert client.get(reverse("directory:service", args=[service.pk])).status_code == 404
    assert client.get(reverse("directory:organization", args=[draft_org.pk])).status_code == 404
    assert client.get(reverse("directory:service", args=[shown.pk])).status_code == 200


def test_the_service_page_shows_everything_a_resident_needs(client: Any) -> None:
    service = full_service(name="Marsh food bank")
    response = client.get(reverse("directory:service", args=[service.pk]))
    page = response.content.decode()
    for text in [
        "Marsh food bank",
        "Emergency food parcels",
        "Anyone in the borough",
        "A referral from a GP",
        "Free",
        "Ask for a voucher",
        "Tuesday",
        "10:00 a.m.",
        "Closed on bank holidays.",
        "Polish",
        "Step-free entrance; hearing loop.",
        "GR3 1BN",
        "Ann Persona",
        "01632 960123",
        "Last checked on 1 March 2026",
    ]:
        assert text in page, text
    org_page = client.get(reverse("directory:organization", args=[service.organization.pk]))
    assert "Marsh food bank" in org_page.content.decode()
    assert "Last checked on" in org_page.content.decode()


@pytest.mark.parametrize("params", [{}, {"postcode": POSTCODE, "miles": "25"}, {"q": "food"}])
def test_search_queries_are_bounded(
    client: Any, django_assert_max_num_queries: Any, params: dict[str, str]
) -> None:
    centre_postcode()
    for n in range(30):
        full_service(name=f"Food bank {n}")
    with django_assert_max_num_queries(8):
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert len(response.context["results"]) == 20


def test_listing_pages_queries_are_bounded(client: Any, django_assert_max_num_queries: Any) -> None:
    service = full_service()
    for _ in range(10):
        full_service(organization=service.organization)
    with django_assert_max_num_queries(10):
        client.get(reverse("directory:service", args=[service.pk]))
    with django_assert_max_num_queries(6):
        client.get(reverse("directory:organization", args=[service.organization.pk]))
