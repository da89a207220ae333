"""Ward maps: an SVG drawn on the server (works without JavaScript, needs no tile server),
and the same boundaries as GeoJSON for the optional Leaflet map.

Boundaries are simplified to about a pixel of the drawn map first: official boundaries can
carry thousands of points per ward, far more than a 600-pixel map can show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import mapping

from grassroots.places.geometry import BBox, Projection, to_shape, union_bbox
from grassroots.places.models import Ward

MAP_WIDTH = 600.0


@dataclass(frozen=True)
class MapArea:
    ward: Ward
    path: str


@dataclass(frozen=True)
class WardMap:
    width: float
    height: float
    areas: list[MapArea]

    @property
    def view_box(self) -> str:
        # A margin of a few units so boundary strokes on the edge are not cut in half.
        margin = 4
        return f"{-margin} {-margin} {self.width + 2 * margin:g} {self.height + 2 * margin:g}"


def _with_shape(wards: Sequence[Ward]) -> tuple[list[Ward], BBox | None]:
    drawn = [
        w
        for w in wards
        if w.geometry
        and w.min_lon is not None
        and w.min_lat is not None
        and w.max_lon is not None
        and w.max_lat is not None
    ]
    bbox = union_bbox(
        (w.min_lon, w.min_lat, w.max_lon, w.max_lat)  # type: ignore[misc]
        for w in drawn
    )
    return drawn, bbox


def _simplified(geometry: dict[str, Any], tolerance: float) -> dict[str, Any]:
    simple = to_shape(geometry).simplify(tolerance, preserve_topology=True)
    # Five decimal places of a degree is about a metre: plenty for a map, and a short page.
    simple = shapely.set_precision(simple, 0.00001)
    if simple.is_empty:
        return geometry
    result: dict[str, Any] = mapping(simple)
    return result


def _tolerance(bbox: BBox) -> float:
    # About one pixel of a MAP_WIDTH-wide drawing of the whole map.
    return max(bbox[2] - bbox[0], bbox[3] - bbox[1]) / MAP_WIDTH


def ward_map(wards: Sequence[Ward]) -> WardMap | None:
    """An SVG map of the wards that have a boundary, or None if none has one."""
    drawn, bbox = _with_shape(wards)
    if bbox is None:
        return None
    projection = Projection(bbox, width=MAP_WIDTH)
    tolerance = _tolerance(bbox)
    areas = [
        MapArea(ward=w, path=projection.path(_simplified(w.geometry, tolerance)))  # type: ignore[arg-type]
        for w in drawn
    ]
    return WardMap(width=projection.width, height=projection.height, areas=areas)


def ward_geojson(wards: Sequence[Ward]) -> dict[str, Any] | None:
    """A GeoJSON FeatureCollection of the wards (name and page address as properties)."""
    drawn, bbox = _with_shape(wards)
    if bbox is None:
        return None
    tolerance = _tolerance(bbox) / 2  # Leaflet can zoom in a little further than the SVG.
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": w.name, "url": w.get_absolute_url()},
                "geometry": _simplified(w.geometry, tolerance),  # type: ignore[arg-type]
            }
            for w in drawn
        ],
    }
