"""Needs meet offers: for each open need, the best offers of help nearby.

A plain module (numpy and scipy, no Django), so it can be tested and benchmarked on its own.
The pages give it plain records and get plain results back.

**What is matched.** A `Need` (an initiative's open need) and an `Offer` (a resident's or an
organisation's) each have a kind (skill, time, equipment or space), a set of tags ("first aid",
"van", "hall"; compared after folding case and spaces), a place (latitude and longitude in
degrees, WGS84) and, optionally, when:

- weekly slots: a set of (weekday, part of day) pairs, Monday = 0, parts "morning",
  "afternoon" and "evening";
- a date window: from and until, both inclusive, either end open.

An offer says how far the offerer will travel or bring things (`travel_miles`; 0 means "you
come to me or collect", as for a hall). A need may say how far its people will go to use or
collect what is offered (`reach_miles`, 0 by default).

**When an offer matches a need.** All of these:

1. the kinds are the same;
2. they share at least one tag;
3. the great-circle distance between them is at most the larger of the offer's travel and the
   need's reach (either side may make the trip). Distance is the haversine formula on a sphere
   of the Earth's mean radius (6,371.0088 km, 3,958.7613 miles); it is within 0.5 % of the
   true ellipsoidal distance, which is plenty for "how far will you go";
4. if both give weekly slots, at least one slot is the same;
5. their date windows overlap (an open end overlaps everything on that side).

**How matches are ranked.** By a fit score between 0 and 1, best first:

    score = 0.75 x tag fit + 0.25 x time fit

- tag fit: the share of the need's tags the offer has (2 of the need's 3 tags = 2/3). An offer
  with many other tags is not marked down: a versatile volunteer is not a worse fit.
- time fit: the share of the need's weekly slots the offer covers; 1 when the need gives no
  slots (nothing was asked); 0.5 when the need gives slots and the offer does not (unknown,
  so between a poor and a full fit).

Equal scores go to the nearer offer, distances compared in whole metres (two offers at the
same address are equally near), and then to the lower offer id, so the order is always the
same for the same data.

**How it scales.** There is no needs x offers table. `OfferIndex` groups offers by (kind, tag)
and, within a group, by how far they travel (bands up to 1, 2, 5, 10, 20 and 50 miles, and
beyond), and puts each group's places in a k-d tree of points on the unit sphere, where the
straight-line (chord) distance 2 sin(d / 2R) grows with the great-circle distance d. Needs are
taken a chunk at a time (`chunk_size`); the chunk's needs are grouped the same way, and each
pair of groups that share a kind and tag is joined by the trees within the larger of the two
groups' longest trips. An offer sharing three tags with a need is found three times, which
counts the shared tags. Only those candidate pairs are then checked exactly (each offer's own
travel, the need's own reach, slots, dates), scored and sorted, and each need keeps its top k.
Memory is bounded by the offers' index and one chunk's candidate pairs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias, get_args

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

Kind: TypeAlias = Literal["skill", "time", "equipment", "space"]
PartOfDay: TypeAlias = Literal["morning", "afternoon", "evening"]
Slot: TypeAlias = tuple[int, PartOfDay]

KINDS: tuple[Kind, ...] = get_args(Kind)
PARTS_OF_DAY: tuple[PartOfDay, ...] = get_args(PartOfDay)

EARTH_RADIUS_MILES = 6371.0088 / 1.609344
METRES_PER_MILE = 1609.344
TAG_WEIGHT = 0.75
TIME_WEIGHT = 0.25
UNSTATED_TIME_FIT = 0.5
DEFAULT_K = 10
DEFAULT_CHUNK_SIZE = 1024
# Offers (and needs) are grouped by how far they go, so that one offer willing to travel 100
# miles does not make every search in its group look 100 miles around.
DISTANCE_BANDS = np.array([1.0, 2.0, 5.0, 10.0, 20.0, 50.0])
# No date is before 1 January of year 1 (ordinal 1) or after 31 December 9999.
_OPEN_START = 0
_OPEN_END = date.max.toordinal() + 1

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]


def normalise_tag(tag: str) -> str:
    """A tag as it is compared: lower case (casefold), single spaces, no spaces at the ends."""
    return " ".join(tag.casefold().split())


def great_circle_miles(
    latitude1: float, longitude1: float, latitude2: float, longitude2: float
) -> float:
    """The haversine distance in miles between two places given in degrees."""
    return float(
        _haversine_miles(
            np.radians(np.array([latitude1])),
            np.radians(np.array([longitude1])),
            np.radians(np.array([latitude2])),
            np.radians(np.array([longitude2])),
        )[0]
    )


def _haversine_miles(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Haversine distances in miles, element by element, from radians."""
    half = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * (
        np.sin((lon2 - lon1) / 2) ** 2
    )
    result: FloatArray = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(half, 1.0)))
    return result


def _chord(miles: float) -> float:
    """The straight-line distance on the unit sphere for a great-circle distance, a little
    more (so rounding never loses a pair that the exact check would keep)."""
    angle = min(miles / EARTH_RADIUS_MILES, math.pi)
    return 2 * math.sin(angle / 2) * (1 + 1e-9) + 1e-12


def _unit_vectors(latitudes: FloatArray, longitudes: FloatArray) -> FloatArray:
    cos_lat = np.cos(latitudes)
    return np.column_stack(
        [cos_lat * np.cos(longitudes), cos_lat * np.sin(longitudes), np.sin(latitudes)]
    )


def _check_common(
    what: str,
    id_: int,
    kind: str,
    tags: frozenset[str],
    latitude: float,
    longitude: float,
    slots: frozenset[Slot] | None,
    start: date | None,
    end: date | None,
) -> frozenset[str]:
    """Check the fields needs and offers share; return the normalised tags."""
    label = f"{what} {id_!r}"
    if isinstance(id_, bool) or not isinstance(id_, int):
        raise ValueError(f"{label}: the id must be a whole number.")
    if kind not in KINDS:
        raise ValueError(f"{label}: the kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    if isinstance(tags, str):
        raise ValueError(f"{label}: tags must be a set of tags, not one string.")
    normalised = frozenset(normalise_tag(tag) for tag in tags) - {""}
    if not normalised:
        raise ValueError(f"{label}: give at least one tag.")
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise ValueError(f"{label}: the latitude must be between -90 and 90, not {latitude}.")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise ValueError(f"{label}: the longitude must be between -180 and 180, not {longitude}.")
    if slots is not None:
        if not slots:
            raise ValueError(f"{label}: give at least one weekly slot, or None for any time.")
        for weekday, part in slots:
            if isinstance(weekday, bool) or weekday not in range(7) or part not in PARTS_OF_DAY:
                raise ValueError(
                    f"{label}: a weekly slot is (weekday 0-6, one of "
                    f"{', '.join(PARTS_OF_DAY)}), not {(weekday, part)!r}."
                )
    if start is not None and end is not None and start > end:
        raise ValueError(f"{label}: the date window ends ({end}) before it starts ({start}).")
    return normalised


def _check_miles(label: str, name: str, miles: float) -> None:
    if not (math.isfinite(miles) and miles >= 0):
        raise ValueError(f"{label}: {name} must be zero or more miles, not {miles}.")


@dataclass(frozen=True, slots=True)
class Need:
    """An open need: what is needed, where, how far its people will go, and when."""

    id: int
    kind: Kind
    tags: frozenset[str]
    latitude: float
    longitude: float
    reach_miles: float = 0.0
    slots: frozenset[Slot] | None = None
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        tags = _check_common(
            "Need",
            self.id,
            self.kind,
            self.tags,
            self.latitude,
            self.longitude,
            self.slots,
            self.start,
            self.end,
        )
        _check_miles(f"Need {self.id!r}", "the reach", self.reach_miles)
        object.__setattr__(self, "tags", tags)


@dataclass(frozen=True, slots=True)
class Offer:
    """An offer of help: what, where, how far the offerer will travel or bring it, and when."""

    id: int
    kind: Kind
    tags: frozenset[str]
    latitude: float
    longitude: float
    travel_miles: float
    slots: frozenset[Slot] | None = None
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        tags = _check_common(
            "Offer",
            self.id,
            self.kind,
            self.tags,
            self.latitude,
            self.longitude,
            self.slots,
            self.start,
            self.end,
        )
        _check_miles(f"Offer {self.id!r}", "the travel distance", self.travel_miles)
        object.__setattr__(self, "tags", tags)


@dataclass(frozen=True, slots=True)
class Match:
    """One offer for a need: its distance, fit score and how many of the need's tags it has."""

    offer_id: int
    distance_miles: float
    score: float
    shared_tags: int


def slot_mask(slots: frozenset[Slot] | None) -> int:
    """Weekly slots as a 21-bit number (bit 3 x weekday + part); 0 when none are given."""
    if slots is None:
        return 0
    return sum(1 << (3 * weekday + PARTS_OF_DAY.index(part)) for weekday, part in set(slots))


def _band(miles: float) -> int:
    return int(np.searchsorted(DISTANCE_BANDS, miles, side="left"))


@dataclass(frozen=True, slots=True)
class _Group:
    """Offers of one kind and tag in one travel band: their rows and their places' tree."""

    members: npt.NDArray[np.intp]
    tree: cKDTree
    longest_miles: float


class OfferIndex:
    """The offers, indexed once, ready to match any number of needs."""

    def __init__(self, offers: Iterable[Offer]) -> None:
        rows = list(offers)
        ids = [offer.id for offer in rows]
        seen: set[int] = set()
        for id_ in ids:
            if id_ in seen:
                raise ValueError(f"Offer ids must be unique; {id_!r} is given twice.")
            seen.add(id_)
        self.size = len(rows)
        self._ids: IntArray = np.array(ids, dtype=np.int64)
        self._latitude: FloatArray = np.radians(np.array([o.latitude for o in rows], dtype=float))
        self._longitude: FloatArray = np.radians(np.array([o.longitude for o in rows], dtype=float))
        self._travel: FloatArray = np.array([o.travel_miles for o in rows], dtype=float)
        self._slots: IntArray = np.array([slot_mask(o.slots) for o in rows], dtype=np.int64)
        self._start: IntArray = np.array(
            [o.start.toordinal() if o.start else _OPEN_START for o in rows], dtype=np.int64
        )
        self._end: IntArray = np.array(
            [o.end.toordinal() if o.end else _OPEN_END for o in rows], dtype=np.int64
        )
        points = _unit_vectors(self._latitude, self._longitude)
        bands = np.searchsorted(DISTANCE_BANDS, self._travel, side="left")
        members: dict[tuple[str, str, int], list[int]] = {}
        for row, offer in enumerate(rows):
            for tag in offer.tags:
                members.setdefault((offer.kind, tag, int(bands[row])), []).append(row)
        self._groups: dict[tuple[str, str], list[_Group]] = {}
        for (kind, tag, _), group_rows in sorted(members.items()):
            chosen = np.array(group_rows, dtype=np.intp)
            self._groups.setdefault((kind, tag), []).append(
                _Group(chosen, cKDTree(points[chosen]), float(self._travel[chosen].max()))
            )

    def match(
        self, needs: Iterable[Need], k: int = DEFAULT_K, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> Iterator[tuple[int, list[Match]]]:
        """Each need's id and its best k matches, best first, in the order the needs come.

        Needs are read and matched `chunk_size` at a time, so a long stream of needs never
        sits in memory at once.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a whole number of at least 1, not {k!r}.")
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError(
                f"chunk_size must be a whole number of at least 1, not {chunk_size!r}."
            )
        seen: set[int] = set()
        iterator = iter(needs)
        while chunk := list(itertools.islice(iterator, chunk_size)):
            for need in chunk:
                if need.id in seen:
                    raise ValueError(f"Need ids must be unique; {need.id!r} is given twice.")
                seen.add(need.id)
            yield from zip((need.id for need in chunk), self._match_chunk(chunk, k), strict=True)

    def _candidates(self, chunk: Sequence[Need]) -> tuple[IntArray, IntArray, IntArray]:
        """Pairs (need row in the chunk, offer row) that share a kind and tag and may be near
        enough, each once, with the number of tags they share."""
        latitude = np.radians(np.array([n.latitude for n in chunk], dtype=float))
        longitude = np.radians(np.array([n.longitude for n in chunk], dtype=float))
        points = _unit_vectors(latitude, longitude)
        groups: dict[tuple[str, str, int], list[int]] = {}
        for row, need in enumerate(chunk):
            for tag in need.tags:
                if (need.kind, tag) in self._groups:
                    groups.setdefault((need.kind, tag, _band(need.reach_miles)), []).append(row)
        need_parts: list[IntArray] = []
        offer_parts: list[IntArray] = []
        for (kind, tag, _), rows in sorted(groups.items()):
            chosen = np.array(rows, dtype=np.intp)
            tree = cKDTree(points[chosen])
            reach = max(chunk[row].reach_miles for row in rows)
            for group in self._groups[(kind, tag)]:
                found = tree.sparse_distance_matrix(
                    group.tree, _chord(max(reach, group.longest_miles)), output_type="ndarray"
                )
                if len(found):
                    need_parts.append(chosen[found["i"]].astype(np.int64))
                    offer_parts.append(group.members[found["j"]].astype(np.int64))
        if not need_parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        keys = np.concatenate(need_parts) * self.size + np.concatenate(offer_parts)
        unique, counts = np.unique(keys, return_counts=True)
        return unique // self.size, unique % self.size, counts.astype(np.int64)

    def _match_chunk(self, chunk: Sequence[Need], k: int) -> list[list[Match]]:
        results: list[list[Match]] = [[] for _ in chunk]
        need_row, offer_row, shared = self._candidates(chunk)
        if not len(need_row):
            return results
        n_latitude = np.radians(np.array([n.latitude for n in chunk], dtype=float))
        n_longitude = np.radians(np.array([n.longitude for n in chunk], dtype=float))
        n_reach = np.array([n.reach_miles for n in chunk], dtype=float)
        n_tags = np.array([len(n.tags) for n in chunk], dtype=np.int64)
        n_slots = np.array([slot_mask(n.slots) for n in chunk], dtype=np.int64)
        n_start = np.array(
            [n.start.toordinal() if n.start else _OPEN_START for n in chunk], dtype=np.int64
        )
        n_end = np.array([n.end.toordinal() if n.end else _OPEN_END for n in chunk], dtype=np.int64)

        distance = _haversine_miles(
            n_latitude[need_row],
            n_longitude[need_row],
            self._latitude[offer_row],
            self._longitude[offer_row],
        )
        need_slots = n_slots[need_row]
        offer_slots = self._slots[offer_row]
        common_slots = need_slots & offer_slots
        keep = (
            (distance <= np.maximum(self._travel[offer_row], n_reach[need_row]))
            & (self._start[offer_row] <= n_end[need_row])
            & (n_start[need_row] <= self._end[offer_row])
            & ((need_slots == 0) | (offer_slots == 0) | (common_slots != 0))
        )
        need_row, offer_row, shared = need_row[keep], offer_row[keep], shared[keep]
        distance, need_slots, offer_slots = distance[keep], need_slots[keep], offer_slots[keep]
        common_slots = common_slots[keep]

        time_fit = np.where(
            need_slots == 0,
            1.0,
            np.where(
                offer_slots == 0,
                UNSTATED_TIME_FIT,
                np.bitwise_count(common_slots) / np.maximum(np.bitwise_count(need_slots), 1),
            ),
        )
        score = TAG_WEIGHT * (shared / n_tags[need_row]) + TIME_WEIGHT * time_fit
        metres = np.rint(distance * METRES_PER_MILE).astype(np.int64)
        offer_id = self._ids[offer_row]
        order = np.lexsort((offer_id, metres, -score, need_row))
        need_row = need_row[order]
        starts = np.flatnonzero(np.r_[True, need_row[1:] != need_row[:-1]])
        sizes = np.diff(np.r_[starts, len(need_row)])
        rank = np.arange(len(need_row)) - np.repeat(starts, sizes)
        best = order[rank < k]
        for row, offer, miles, fit, tags in zip(
            need_row[rank < k].tolist(),
            offer_id[best].tolist(),
            distance[best].tolist(),
            score[best].tolist(),
            shared[best].tolist(),
            strict=True,
        ):
            results[row].append(Match(offer, miles, fit, tags))
        return results


def match(
    needs: Iterable[Need], offers: Iterable[Offer], k: int = DEFAULT_K
) -> dict[int, list[Match]]:
    """Every need's best k matching offers, best first, by need id."""
    return dict(OfferIndex(offers).match(needs, k))
