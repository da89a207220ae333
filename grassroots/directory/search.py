"""The directory's search by distance and by words, on PostgreSQL and SQLite alike.

Distance: a bounding box around the point (a range on the `latitude, longitude` B-tree of
`Location`) narrows the rows, then the exact great-circle (haversine) distance, computed in SQL
with Django's maths functions (SQLite gets them from Django too), filters and sorts. See
docs/decisions/0010-directory-search.md for why not cube/earthdistance or PostGIS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE = EARTH_RADIUS_MILES * math.pi / 180  # along a meridian, about 69.1
MAX_WORDS = 8


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Box:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def haversine_miles(a: Point, b: Point) -> float:
    """The great-circle distance between two points, in miles."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, miles: float) -> Box:
    """A box that holds every point within `miles` of `centre` (a little more, never less)."""
    dlat = miles / MILES_PER_DEGREE * 1.001
    # A parallel nearer the pole is shorter: take the widest longitude span the circle needs.
    far_lat = min(89.0, abs(centre.latitude) + dlat)
    dlon = dlat / max(math.cos(math.radians(far_lat)), 1e-6)
    return Box(
        min_lat=centre.latitude - dlat,
        max_lat=centre.latitude + dlat,
        min_lon=centre.longitude - dlon,
        max_lon=centre.longitude + dlon,
    )


def box_q(box: Box, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}latitude__gte": box.min_lat,
            f"{prefix}latitude__lte": box.max_lat,
            f"{prefix}longitude__gte": box.min_lon,
            f"{prefix}longitude__lte": box.max_lon,
        }
    )


def distance_expression(centre: Point, prefix: str = "") -> CombinedExpression:
    """Miles from `centre` to the row's `latitude`/`longitude` (haversine), as SQL."""
    lat = Radians(F(f"{prefix}latitude"))
    lon = Radians(F(f"{prefix}longitude"))
    lat0 = Value(math.radians(centre.latitude), output_field=FloatField())
    lon0 = Value(math.radians(centre.longitude), output_field=FloatField())
    half = Value(0.5, output_field=FloatField())
    h = Power(Sin((lat - lat0) * half), 2) + Cos(lat0) * Cos(lat) * Power(
        Sin((lon - lon0) * half), 2
    )
    return Value(2 * EARTH_RADIUS_MILES, output_field=FloatField()) * ASin(Sqrt(h))


def words_of(text: str) -> list[str]:
    return [w for w in (text or "").split() if w][:MAX_WORDS]


def words_q(text: str) -> Q:
    """Each word in the service's name, description, who it is for, or its organisation's name."""
    q = Q()
    for word in words_of(text):
        q &= (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(who_for__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return q
