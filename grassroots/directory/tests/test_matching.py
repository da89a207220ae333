"""The needs-meet-offers matcher on its own: hand-made cases, bad input, and a property test
against a brute-force matcher written here in plain Python."""

from __future__ import annotations

import ast
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.directory import matching
from grassroots.directory.matching import (
    EARTH_RADIUS_MILES,
    KINDS,
    PARTS_OF_DAY,
    Kind,
    Match,
    Need,
    Offer,
    OfferIndex,
    Slot,
    great_circle_miles,
    match,
)

# Brookmere-ish: a village green and places around it.
HOME = (52.0, -1.0)


def need(id_: int = 1, kind: Kind = "skill", tags: set[str] | None = None, **more: Any) -> Need:
    where = more.pop("at", HOME)
    return Need(id_, kind, frozenset(tags or {"first aid"}), where[0], where[1], **more)


def offer(
    id_: int,
    kind: Kind = "skill",
    tags: set[str] | None = None,
    miles_north: float = 0.0,
    travel: float = 10.0,
    **more: Any,
) -> Offer:
    latitude = HOME[0] + math.degrees(miles_north / EARTH_RADIUS_MILES)
    return Offer(id_, kind, frozenset(tags or {"first aid"}), latitude, HOME[1], travel, **more)


def ids(matches: list[Match]) -> list[int]:
    return [m.offer_id for m in matches]


def test_an_offer_of_another_kind_does_not_match() -> None:
    found = match([need(kind="equipment", tags={"van"})], [offer(1, "time", {"van"})])
    assert found == {1: []}


def test_an_offer_needs_a_shared_tag_compared_without_case_or_extra_spaces() -> None:
    offers = [offer(1, tags={"cooking"}), offer(2, tags={"  First   AID "})]
    assert ids(match([need(tags={"first aid"})], offers)[1]) == [2]


def test_distance_is_great_circle_and_reported() -> None:
    found = match([need()], [offer(1, miles_north=3.0)])[1]
    assert found[0].distance_miles == pytest.approx(3.0, rel=1e-9)
    # London to Edinburgh by the haversine formula: about 332 miles.
    assert great_circle_miles(51.5074, -0.1278, 55.9533, -3.1883) == pytest.approx(331.6, abs=0.5)


def test_beyond_the_offerers_travel_does_not_match_and_exactly_at_it_does() -> None:
    place = offer(1, miles_north=5.0)
    exact = great_circle_miles(HOME[0], HOME[1], place.latitude, place.longitude)

    def at(id_: int, travel: float) -> Offer:
        return Offer(id_, "skill", frozenset({"first aid"}), place.latitude, HOME[1], travel)

    assert ids(match([need()], [at(1, exact * (1 - 1e-9)), at(2, exact), at(3, 4.99)])[1]) == [2]


def test_you_collect_offers_match_needs_that_will_go_to_them() -> None:
    hall = offer(1, "space", {"hall"}, miles_north=2.0, travel=0.0)
    assert match([need(kind="space", tags={"hall"})], [hall]) == {1: []}
    found = match([need(kind="space", tags={"hall"}, reach_miles=3.0)], [hall])[1]
    assert ids(found) == [1]


def test_more_of_the_needs_tags_ranks_higher_than_nearer() -> None:
    offers = [
        offer(1, tags={"first aid"}, miles_north=0.5),
        offer(2, tags={"first aid", "safeguarding"}, miles_north=4.0),
        offer(3, tags={"first aid", "safeguarding", "cooking", "driving"}, miles_north=6.0),
    ]
    found = match([need(tags={"first aid", "safeguarding"})], offers)[1]
    # Both 2 and 3 have all the need's tags (extra tags cost nothing), so the nearer is first.
    assert ids(found) == [2, 3, 1]
    assert [m.score for m in found] == [1.0, 1.0, 0.75 * 0.5 + 0.25]
    assert [m.shared_tags for m in found] == [2, 2, 1]


def test_weekly_slots_must_overlap_when_both_give_them_and_count_in_the_score() -> None:
    wanted: frozenset[Slot] = frozenset({(0, "evening"), (2, "evening")})
    offers = [
        offer(1, slots=frozenset({(5, "morning")})),  # no common slot: out
        offer(2, slots=frozenset({(0, "evening")}), miles_north=1.0),  # half the slots
        offer(3, slots=frozenset({(0, "evening"), (2, "evening")}), miles_north=2.0),  # all
        offer(4, miles_north=0.5),  # said nothing: unknown
    ]
    found = match([need(slots=wanted)], offers)[1]
    # Half the slots and unknown slots score the same, so the nearer (4) goes first.
    assert ids(found) == [3, 4, 2]
    assert [m.score for m in found] == [1.0, 0.75 + 0.25 * 0.5, 0.75 + 0.25 * 0.5]
    # A need that gives no slots takes any offer, all equally.
    assert ids(match([need()], offers)[1]) == [1, 4, 2, 3]


def test_date_windows_must_overlap() -> None:
    offers = [
        offer(1, end=date(2027, 3, 31)),
        offer(2, start=date(2027, 4, 1)),
        offer(3, start=date(2027, 5, 1), end=date(2027, 5, 2)),
        offer(4),
    ]
    found = match([need(start=date(2027, 4, 1), end=date(2027, 4, 30))], offers)[1]
    assert ids(found) == [2, 4]
    assert ids(match([need(end=date(2027, 3, 31))], offers)[1]) == [1, 4]


def test_ties_go_to_the_lower_offer_id_and_top_k_cuts_the_list() -> None:
    offers = [offer(i, miles_north=1.0) for i in (9, 3, 7, 1, 5)]
    assert ids(match([need()], offers)[1]) == [1, 3, 5, 7, 9]
    assert ids(dict(OfferIndex(offers).match([need()], k=2))[1]) == [1, 3]


def test_k_larger_than_the_candidates_returns_them_all() -> None:
    found = dict(OfferIndex([offer(1), offer(2)]).match([need()], k=50))
    assert ids(found[1]) == [1, 2]


def test_empty_inputs() -> None:
    assert match([], []) == {}
    assert match([need(1), need(2)], []) == {1: [], 2: []}
    assert match([], [offer(1)]) == {}


def test_results_follow_the_needs_order_across_chunks() -> None:
    needs = [need(i, at=(52.0 + i * 0.01, -1.0)) for i in (5, 1, 4, 2, 3)]
    offers = [offer(i, miles_north=i * 0.7) for i in range(1, 6)]
    chunked = list(OfferIndex(offers).match(needs, k=3, chunk_size=2))
    assert [id_ for id_, _ in chunked] == [5, 1, 4, 2, 3]
    assert dict(chunked) == match(needs, offers, k=3)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: need(at=(90.5, 0.0)), "latitude must be between -90 and 90"),
        (lambda: need(at=(float("nan"), 0.0)), "latitude"),
        (lambda: need(at=(52.0, 181.0)), "longitude must be between -180 and 180"),
        (lambda: offer(1, travel=-1.0), "travel distance must be zero or more miles"),
        (lambda: offer(1, travel=float("inf")), "travel distance"),
        (lambda: need(reach_miles=-0.5), "reach must be zero or more miles"),
        (lambda: need(kind="money"), "kind must be one of skill, time, equipment, space"),  # type: ignore[arg-type]
        (lambda: Need(1, "skill", frozenset({" "}), 52.0, -1.0), "at least one tag"),
        (lambda: Need(1, "skill", "van", 52.0, -1.0), "not one string"),  # type: ignore[arg-type]
        (lambda: need(slots=frozenset()), "at least one weekly slot"),
        (lambda: need(slots=frozenset({(7, "morning")})), "weekly slot is"),
        (lambda: need(slots=frozenset({(1, "night")})), "weekly slot is"),
        (lambda: need(start=date(2027, 2, 1), end=date(2027, 1, 1)), "ends (2027-01-01) before"),
        (lambda: OfferIndex([offer(1), offer(1)]), "1 is given twice"),
        (lambda: match([need(1), need(1)], [offer(1)]), "Need ids must be unique"),
        (lambda: match([need()], [offer(1)], k=0), "k must be a whole number of at least 1"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


# The brute force: every pair, in plain Python, straight from the rules in the module's
# docstring (math.* rather than numpy for the distance).


def _brute_miles(a: Need, b: Offer) -> float:
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dl = math.radians(b.longitude - a.longitude)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def _brute(needs: list[Need], offers: list[Offer], k: int) -> dict[int, list[Match]]:
    result: dict[int, list[Match]] = {}
    for n in needs:
        found: list[tuple[float, int, int, Match]] = []
        for o in offers:
            shared = len(n.tags & o.tags)
            if o.kind != n.kind or not shared:
                continue
            miles = _brute_miles(n, o)
            if miles > max(o.travel_miles, n.reach_miles):
                continue
            if n.slots and o.slots and not n.slots & o.slots:
                continue
            if (n.start and o.end and o.end < n.start) or (n.end and o.start and o.start > n.end):
                continue
            if n.slots is None:
                time_fit = 1.0
            elif o.slots is None:
                time_fit = 0.5
            else:
                time_fit = len(n.slots & o.slots) / len(n.slots)
            score = 0.75 * (shared / len(n.tags)) + 0.25 * time_fit
            metres = round(miles * 1609.344)
            found.append((-score, metres, o.id, Match(o.id, miles, score, shared)))
        result[n.id] = [m for *_, m in sorted(found)[:k]]
    return result


TAGS = ["first aid", "van", "hall", "cooking", "driving"]
SLOTS: list[Slot] = [(day, part) for day in range(3) for part in PARTS_OF_DAY]
DAYS = [date(2027, 1, 1), date(2027, 1, 10), date(2027, 1, 20)]

tag_sets = st.frozensets(st.sampled_from(TAGS), min_size=1, max_size=3)
slot_sets = st.none() | st.frozensets(st.sampled_from(SLOTS), min_size=1, max_size=4)
# A small grid of places a few miles apart, so equal distances and ties happen.
places = st.tuples(st.sampled_from([51.9, 52.0, 52.05, 52.1]), st.sampled_from([-1.1, -1.0, -0.95]))
miles = st.sampled_from([0.0, 1.0, 3.0, 5.0, 8.0, 20.0]) | st.floats(0, 30)
windows = st.tuples(st.none() | st.sampled_from(DAYS), st.none() | st.sampled_from(DAYS)).map(
    lambda w: w if not (w[0] and w[1] and w[0] > w[1]) else (w[1], w[0])
)


@st.composite
def needs_and_offers(draw: st.DrawFn) -> tuple[list[Need], list[Offer]]:
    def common() -> dict[str, Any]:
        latitude, longitude = draw(places)
        start, end = draw(windows)
        return {
            "kind": draw(st.sampled_from(KINDS[:2])),
            "tags": draw(tag_sets),
            "latitude": latitude,
            "longitude": longitude,
            "slots": draw(slot_sets),
            "start": start,
            "end": end,
        }

    offer_ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=25))
    offers = [Offer(id=i, travel_miles=draw(miles), **common()) for i in offer_ids]
    need_count = draw(st.integers(0, 8))
    needs = [Need(id=i, reach_miles=draw(miles), **common()) for i in range(need_count)]
    return needs, offers


@settings(max_examples=300, deadline=None)
@given(needs_and_offers(), st.integers(1, 6), st.integers(1, 4))
def test_the_same_top_k_in_the_same_order_as_brute_force(
    data: tuple[list[Need], list[Offer]], k: int, chunk_size: int
) -> None:
    needs, offers = data
    expected = _brute(needs, offers, k)
    found = dict(OfferIndex(offers).match(needs, k, chunk_size))
    assert list(found) == list(expected)
    for need_id, matches in expected.items():
        assert ids(found[need_id]) == ids(matches)
        for got, want in zip(found[need_id], matches, strict=True):
            assert got.score == want.score
            assert got.shared_tags == want.shared_tags
            assert got.distance_miles == pytest.approx(want.distance_miles, rel=1e-9, abs=1e-9)


def test_the_matcher_imports_nothing_from_django() -> None:
    tree = ast.parse(Path(matching.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"django", "grassroots"}}
