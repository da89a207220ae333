"""Factories for places and councillors. Geometry: small squares, so point look-ups work."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from grassroots.places.geometry import bbox_of
from grassroots.places.models import Council, Councillor, CouncillorTerm, Postcode, Ward


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    """A GeoJSON square polygon with its south-west corner at (lon, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon, lat],
                [lon + size, lat],
                [lon + size, lat + size],
                [lon, lat + size],
                [lon, lat],
            ]
        ],
    }


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("gss_code",)

    gss_code = factory.Sequence(lambda n: f"E06{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")
    kind = "E06"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    gss_code = factory.Sequence(lambda n: f"E05{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    slug = factory.Sequence(lambda n: f"ward-{n}")
    council = factory.SubFactory(CouncilFactory)
    # Each ward gets its own square on a grid inside Great Britain (lon -5..1, lat 50.5..58.5),
    # so a point in any of them passes the initiatives' "point in Britain" check however many
    # wards a test run has made before.
    geometry = factory.Sequence(
        lambda n: square(-5.0 + (n % 300) * 0.02, 50.5 + ((n // 300) % 400) * 0.02)
    )
    vintage = "WD99"

    @factory.lazy_attribute
    def min_lon(self) -> float | None:
        return bbox_of(self.geometry)[0] if self.geometry else None

    @factory.lazy_attribute
    def min_lat(self) -> float | None:
        return bbox_of(self.geometry)[1] if self.geometry else None

    @factory.lazy_attribute
    def max_lon(self) -> float | None:
        return bbox_of(self.geometry)[2] if self.geometry else None

    @factory.lazy_attribute
    def max_lat(self) -> float | None:
        return bbox_of(self.geometry)[3] if self.geometry else None


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode

    postcode = factory.Sequence(
        lambda n: f"GR{1 + n // 900} {1 + (n // 90) % 9}{chr(65 + (n // 9) % 10)}{chr(65 + n % 9)}"
    )
    ward_code = ""
    latitude = 52.005
    longitude = -0.995


class CouncillorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Councillor

    name = factory.Sequence(lambda n: f"Councillor Person {n}")
    slug = factory.Sequence(lambda n: f"councillor-{n}")
    party = "Independent"
    email = factory.Sequence(lambda n: f"cllr{n}@council.example")


class CouncillorTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncillorTerm

    councillor = factory.SubFactory(CouncillorFactory)
    ward = factory.SubFactory(WardFactory)
    starts_on = datetime.date(2024, 5, 2)
    ends_on = None
