"""locate(): what a "postcode or place" box and an optional point say about where something is."""

from __future__ import annotations

import datetime

import pytest

from grassroots.places.selectors import locate
from grassroots.places.tests.factories import PostcodeFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_a_postcode_gives_its_ward_and_its_point() -> None:
    ward = WardFactory()
    PostcodeFactory(postcode="GR1 1AA", ward_code=ward.gss_code, latitude=52.01, longitude=-0.99)
    found = locate("gr11aa")
    assert (found.text, found.ward, found.latitude, found.longitude) == (
        "GR1 1AA",
        ward,
        52.01,
        -0.99,
    )
    assert found.unknown_postcode is None


def test_a_point_given_is_kept_over_the_postcode_s() -> None:
    ward = WardFactory()
    PostcodeFactory(postcode="GR1 1AA", ward_code=ward.gss_code, latitude=52.01, longitude=-0.99)
    found = locate("GR1 1AA", latitude=52.0, longitude=-1.0)
    assert (found.ward, found.latitude, found.longitude) == (ward, 52.0, -1.0)


def test_an_unknown_or_retired_postcode_is_said_so() -> None:
    assert locate("GR9 9ZZ").unknown_postcode == "GR9 9ZZ"
    PostcodeFactory(postcode="GR1 1AB", terminated_on=datetime.date(2020, 1, 1))
    assert locate("GR1 1AB").unknown_postcode == "GR1 1AB"


def test_a_place_name_is_shown_as_typed_and_the_point_finds_the_ward() -> None:
    ward = WardFactory()
    assert ward.min_lon is not None
    assert ward.max_lon is not None
    assert ward.min_lat is not None
    assert ward.max_lat is not None
    lon, lat = (ward.min_lon + ward.max_lon) / 2, (ward.min_lat + ward.max_lat) / 2
    found = locate("  The park ", latitude=lat, longitude=lon)
    assert (found.text, found.ward) == ("The park", ward)
    # A caller that has its wards already does not ask for the point's.
    assert locate("The park", latitude=lat, longitude=lon, ward_from_point=False).ward is None
