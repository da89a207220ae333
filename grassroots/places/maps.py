"""Server-drawn SVG maps of wards: they work without JavaScript and need no tile server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grassroots.places.geometry import Projection, union_bbox
from grassroots.places.models import Ward


@dataclass(frozen=True)
class MapArea:
    ward: Ward
    path: str


@dataclass(frozen=True)
class WardMap:
    width: float
    height: float
    areas: list[MapArea]


def ward_map(wards: Sequence[Ward]) -> WardMap | None:
    with_shape = [w for w in wards if w.geometry and w.min_lon is not None]
    bbox = union_bbox(
        (w.min_lon, w.min_lat, w.max_lon, w.max_lat)  # type: ignore[misc]
        for w in with_shape
    )
    if bbox is None:
        return None
    projection = Projection(bbox)
    areas = [MapArea(ward=w, path=projection.path(w.geometry)) for w in with_shape]  # type: ignore[arg-type]
    return WardMap(width=projection.width, height=projection.height, areas=areas)
