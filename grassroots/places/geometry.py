"""Ward boundaries: bounding boxes, point-in-polygon with shapely, and SVG drawing."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def to_shape(geometry: dict[str, Any]) -> BaseGeometry:
    return shape(geometry)


def bbox_of(geometry: dict[str, Any]) -> BBox:
    min_lon, min_lat, max_lon, max_lat = to_shape(geometry).bounds
    return (min_lon, min_lat, max_lon, max_lat)


def contains(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    """True if (lon, lat) lies inside or on the edge of the boundary."""
    return bool(to_shape(geometry).intersects(Point(lon, lat)))


def _rings(geometry: dict[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in polygons:
        yield from polygon


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection of a bounding box into an SVG viewBox.

    Longitude is scaled by cos(latitude) so that shapes keep their proportions in Britain.
    """

    bbox: BBox
    width: float = 600.0

    @property
    def _kx(self) -> float:
        mid_lat = (self.bbox[1] + self.bbox[3]) / 2
        return math.cos(math.radians(mid_lat))

    @property
    def height(self) -> float:
        span_x = (self.bbox[2] - self.bbox[0]) * self._kx or 1e-9
        span_y = self.bbox[3] - self.bbox[1] or 1e-9
        return round(self.width * span_y / span_x, 1)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        span_x = (self.bbox[2] - self.bbox[0]) * self._kx or 1e-9
        scale = self.width / span_x
        x = (lon - self.bbox[0]) * self._kx * scale
        y = (self.bbox[3] - lat) * scale
        return round(x, 1), round(y, 1)

    def path(self, geometry: dict[str, Any]) -> str:
        parts = []
        for ring in _rings(geometry):
            points = [self.point(float(p[0]), float(p[1])) for p in ring]
            if points:
                parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
        return "".join(parts)


def union_bbox(boxes: Iterable[BBox]) -> BBox | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
