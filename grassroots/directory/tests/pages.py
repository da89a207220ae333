"""Shared makers for the directory's page tests: services at known distances from GR3 1BN."""

from __future__ import annotations

import math

from grassroots.directory.models import ListingStatus, Location, Service, ServiceAtLocation
from grassroots.directory.search import MILES_PER_DEGREE
from grassroots.directory.tests.factories import LocationFactory, ServiceFactory
from grassroots.places.models import Postcode
from grassroots.places.tests.factories import PostcodeFactory

CENTRE_LAT, CENTRE_LON = 52.2, -1.1
POSTCODE = "GR3 1BN"


def centre_postcode() -> Postcode:
    postcode: Postcode = PostcodeFactory(
        postcode=POSTCODE, latitude=CENTRE_LAT, longitude=CENTRE_LON
    )
    return postcode


def offset(north_miles: float, east_miles: float) -> tuple[float, float]:
    """A point about this many miles north and east of the centre (small distances)."""
    lat = CENTRE_LAT + north_miles / MILES_PER_DEGREE
    lon = CENTRE_LON + east_miles / (MILES_PER_DEGREE * math.cos(math.radians(CENTRE_LAT)))
    return lat, lon


def service_at(
    name: str, north: float, east: float, status: str = ListingStatus.APPROVED, **extra: object
) -> Service:
    service: Service = ServiceFactory(name=name, listing_status=status, **extra)
    lat, lon = offset(north, east)
    location: Location = LocationFactory(name=f"{name} hall", latitude=lat, longitude=lon)
    ServiceAtLocation.objects.create(service=service, location=location)
    return service
