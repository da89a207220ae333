"""Benchmark: needs meet offers (grassroots.directory.matching) at national scale.

    python -m bench matching                          # 10,000 needs x 100,000 offers, top 10
    python -m bench.matching --needs 1000 --offers 10000 --sample 100
    python -m bench.matching --no-tracemalloc         # skip the (slower) memory pass

The data are synthetic: places are drawn around 48 real British town and city centres,
weighted by population (a normal spread of 1.5 miles plus a tenth of the square root of the
population in thousands, so London spreads about 11 miles and a market town about 2.5), and
15 % further out (25 miles) for the countryside, so a few fall in the sea. Each offer has a
kind, 1-4 tags from that kind's list (common tags more often), how far it will travel (skills
and time 1-25 miles; equipment 0-20; space 0, "come to us"), weekly slots for 60 % and an end
date for 20 %. Needs have 1-3 tags, a reach (mostly 0 for skills and time, 1-10 miles for
space and equipment), slots for half and a date window for 30 %.

Measured in the same run:

- ours: building the index, then every need's top 10 (`OfferIndex.match`);
- peak memory: the Python and numpy allocations that tracemalloc sees while matching (a
  second pass, slower), and the process's peak resident size (ru_maxrss);
- references, on a random sample of needs, scaled up to all of them: a brute-force numpy
  matcher (every offer of the need's kind, one need at a time) and scikit-learn's BallTree
  with the haversine metric (the kind's offers within its longest trip, then the same exact
  checks). Both must give the same top 10 as ours, in the same order, for every sampled need.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402 - after the thread settings
import numpy.typing as npt  # noqa: E402

from grassroots.directory import matching  # noqa: E402
from grassroots.directory.matching import (  # noqa: E402
    EARTH_RADIUS_MILES,
    KINDS,
    METRES_PER_MILE,
    PARTS_OF_DAY,
    TAG_WEIGHT,
    TIME_WEIGHT,
    UNSTATED_TIME_FIT,
    Kind,
    Need,
    Offer,
    Slot,
)

SEED = 13
# (name, latitude, longitude, population in thousands), roughly.
TOWNS = [
    ("London", 51.507, -0.128, 8900),
    ("Birmingham", 52.486, -1.890, 1150),
    ("Manchester", 53.481, -2.243, 550),
    ("Leeds", 53.801, -1.549, 790),
    ("Glasgow", 55.864, -4.252, 630),
    ("Sheffield", 53.381, -1.470, 580),
    ("Bradford", 53.796, -1.759, 540),
    ("Liverpool", 53.408, -2.992, 490),
    ("Edinburgh", 55.953, -3.189, 520),
    ("Bristol", 51.455, -2.588, 470),
    ("Cardiff", 51.482, -3.179, 360),
    ("Leicester", 52.637, -1.140, 370),
    ("Coventry", 52.407, -1.512, 370),
    ("Nottingham", 52.954, -1.158, 330),
    ("Newcastle", 54.978, -1.618, 300),
    ("Stoke-on-Trent", 53.003, -2.180, 260),
    ("Southampton", 50.910, -1.404, 250),
    ("Derby", 52.922, -1.476, 260),
    ("Portsmouth", 50.820, -1.088, 210),
    ("Plymouth", 50.376, -4.143, 260),
    ("Brighton", 50.822, -0.137, 290),
    ("Reading", 51.454, -0.973, 170),
    ("Hull", 53.746, -0.336, 260),
    ("Aberdeen", 57.150, -2.094, 200),
    ("Swansea", 51.622, -3.944, 240),
    ("Norwich", 52.630, 1.297, 140),
    ("Exeter", 50.718, -3.534, 130),
    ("Cambridge", 52.205, 0.122, 145),
    ("Oxford", 51.752, -1.258, 160),
    ("York", 53.960, -1.087, 200),
    ("Dundee", 56.462, -2.971, 150),
    ("Inverness", 57.478, -4.224, 50),
    ("Carlisle", 54.892, -2.932, 75),
    ("Lincoln", 53.231, -0.541, 100),
    ("Shrewsbury", 52.707, -2.754, 75),
    ("Hereford", 52.056, -2.716, 60),
    ("Truro", 50.263, -5.051, 20),
    ("Aberystwyth", 52.415, -4.082, 19),
    ("Bangor", 53.227, -4.129, 18),
    ("Kendal", 54.328, -2.745, 29),
    ("Ipswich", 52.057, 1.148, 140),
    ("Canterbury", 51.280, 1.079, 55),
    ("Middlesbrough", 54.574, -1.235, 140),
    ("Preston", 53.763, -2.703, 140),
    ("Stirling", 56.117, -3.937, 37),
    ("Wrexham", 53.046, -2.993, 65),
    ("Taunton", 51.015, -3.106, 60),
    ("Salisbury", 51.069, -1.795, 41),
]
TAGS: dict[Kind, list[str]] = {
    "skill": [
        "first aid", "safeguarding", "bookkeeping", "grant writing", "web design", "cooking",
        "gardening", "carpentry", "plumbing", "electrics", "legal advice", "translation",
        "counselling", "photography", "teaching", "social media", "event planning",
        "mental health first aid", "sign language", "bike repair",
    ],
    "time": [
        "driving", "befriending", "litter picking", "stewarding", "leafleting", "shopping",
        "dog walking", "reading with children", "cafe shifts", "phone calls", "setting up",
        "clearing up", "food bank", "tree planting", "delivery rounds",
    ],
    "equipment": [
        "van", "minibus", "gazebo", "pa system", "projector", "trestle tables", "chairs",
        "urn", "laptop", "printer", "lawnmower", "tools", "trailer", "bike", "camera",
    ],
    "space": [
        "hall", "meeting room", "kitchen", "garden", "car park", "storage", "office",
        "playing field", "studio", "workshop", "shop front", "church hall",
    ],
}  # fmt: skip
TRAVEL: dict[Kind, tuple[list[float], list[float]]] = {
    "skill": ([1, 2, 3, 5, 10, 15, 25], [1, 2, 3, 4, 3, 1, 1]),
    "time": ([1, 2, 3, 5, 10, 15, 25], [2, 3, 3, 3, 2, 1, 0.5]),
    "equipment": ([0, 2, 5, 10, 20], [4, 1, 2, 2, 1]),
    "space": ([0], [1]),
}
REACH: dict[Kind, tuple[list[float], list[float]]] = {
    "skill": ([0, 2, 5], [8, 1, 1]),
    "time": ([0, 2, 5], [8, 1, 1]),
    "equipment": ([0, 1, 2, 5, 10], [1, 2, 3, 3, 1]),
    "space": ([1, 2, 5, 10], [2, 3, 3, 1]),
}
ALL_SLOTS: list[Slot] = [(day, part) for day in range(7) for part in PARTS_OF_DAY]
TODAY = date(2027, 1, 1)


def _places(rng: np.random.Generator, count: int) -> tuple[list[float], list[float]]:
    population = np.array([t[3] for t in TOWNS], dtype=float)
    town = rng.choice(len(TOWNS), size=count, p=population / population.sum())
    spread = 1.5 + np.sqrt(population[town]) / 10
    rural = rng.random(count) < 0.15
    spread[rural] = 25.0
    town[rural] = rng.integers(0, len(TOWNS), size=int(rural.sum()))
    north, east = rng.normal(size=(2, count)) * spread
    latitude = np.array([TOWNS[t][1] for t in town]) + np.degrees(north / EARTH_RADIUS_MILES)
    longitude = np.array([TOWNS[t][2] for t in town]) + np.degrees(
        east / EARTH_RADIUS_MILES / np.cos(np.radians(latitude))
    )
    return latitude.tolist(), longitude.tolist()


def _tags(rng: np.random.Generator, kind: Kind, most: int) -> frozenset[str]:
    names = TAGS[kind]
    weights = 1 / np.arange(1, len(names) + 1)  # Zipf-like: the first tags are common
    size = int(rng.integers(1, most + 1))
    chosen = rng.choice(len(names), size=size, replace=False, p=weights / weights.sum())
    return frozenset(names[i] for i in chosen)


def _slots(rng: np.random.Generator, share: float, most: int) -> frozenset[Slot] | None:
    if rng.random() >= share:
        return None
    chosen = rng.choice(len(ALL_SLOTS), size=int(rng.integers(1, most + 1)), replace=False)
    return frozenset(ALL_SLOTS[i] for i in chosen)


def _pick(rng: np.random.Generator, table: tuple[list[float], list[float]]) -> float:
    values, weights = table
    return float(rng.choice(values, p=np.array(weights) / sum(weights)))


def make_offers(rng: np.random.Generator, count: int) -> list[Offer]:
    latitude, longitude = _places(rng, count)
    offers = []
    for i in range(count):
        kind: Kind = KINDS[int(rng.integers(0, 4))]
        end = TODAY + timedelta(days=int(rng.integers(30, 365))) if rng.random() < 0.2 else None
        offers.append(
            Offer(
                i + 1,
                kind,
                _tags(rng, kind, 4),
                latitude[i],
                longitude[i],
                _pick(rng, TRAVEL[kind]),
                _slots(rng, 0.6, 8),
                None,
                end,
            )
        )
    return offers


def make_needs(rng: np.random.Generator, count: int) -> list[Need]:
    latitude, longitude = _places(rng, count)
    needs = []
    for i in range(count):
        kind: Kind = KINDS[int(rng.integers(0, 4))]
        start = end = None
        if rng.random() < 0.3:
            start = TODAY + timedelta(days=int(rng.integers(0, 300)))
            end = start + timedelta(days=int(rng.integers(0, 30)))
        needs.append(
            Need(
                i + 1,
                kind,
                _tags(rng, kind, 3),
                latitude[i],
                longitude[i],
                _pick(rng, REACH[kind]),
                _slots(rng, 0.5, 4),
                start,
                end,
            )
        )
    return needs


class _Columns:
    """The offers of one kind as arrays, for the reference matchers."""

    def __init__(self, offers: list[Offer]) -> None:
        self.ids = np.array([o.id for o in offers], dtype=np.int64)
        self.latitude = np.radians([o.latitude for o in offers])
        self.longitude = np.radians([o.longitude for o in offers])
        self.travel = np.array([o.travel_miles for o in offers])
        self.slots = np.array([matching.slot_mask(o.slots) for o in offers], dtype=np.int64)
        self.start = np.array([o.start.toordinal() if o.start else 0 for o in offers])
        self.end = np.array([o.end.toordinal() if o.end else 10**7 for o in offers])
        vocabulary = sorted({tag for o in offers for tag in o.tags})
        self.column = {tag: i for i, tag in enumerate(vocabulary)}
        self.tags = np.zeros((len(offers), len(vocabulary)), dtype=np.int8)
        for row, o in enumerate(offers):
            self.tags[row, [self.column[tag] for tag in o.tags]] = 1

    def top(self, need: Need, rows: npt.NDArray[np.intp] | None, k: int) -> list[int]:
        """The exact checks, score and order of the module's docstring, on `rows` (or all)."""
        if rows is None:
            rows = np.arange(len(self.ids))
        columns = np.array(
            [self.column[tag] for tag in need.tags if tag in self.column], dtype=np.intp
        )
        shared = self.tags[np.ix_(rows, columns)].sum(axis=1, dtype=np.int64)
        lat, lon = np.radians(need.latitude), np.radians(need.longitude)
        h = (
            np.sin((self.latitude[rows] - lat) / 2) ** 2
            + np.cos(lat)
            * np.cos(self.latitude[rows])
            * np.sin((self.longitude[rows] - lon) / 2) ** 2
        )
        miles = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        wanted = matching.slot_mask(need.slots)
        slots = self.slots[rows]
        start = need.start.toordinal() if need.start else 0
        end = need.end.toordinal() if need.end else 10**7
        keep = (
            (shared > 0)
            & (miles <= np.maximum(self.travel[rows], need.reach_miles))
            & ((wanted == 0) | (slots == 0) | ((slots & wanted) != 0))
            & (self.start[rows] <= end)
            & (self.end[rows] >= start)
        )
        rows, shared, miles, slots = rows[keep], shared[keep], miles[keep], slots[keep]
        if wanted == 0:
            time_fit = np.ones(len(rows))
        else:
            time_fit = np.where(
                slots == 0,
                UNSTATED_TIME_FIT,
                np.bitwise_count(slots & wanted) / np.bitwise_count(np.int64(wanted)),
            )
        score = TAG_WEIGHT * (shared / len(need.tags)) + TIME_WEIGHT * time_fit
        metres = np.rint(miles * METRES_PER_MILE)
        order = np.lexsort((self.ids[rows], metres, -score))[:k]
        return [int(i) for i in self.ids[rows][order]]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--sample", type=int, default=300, help="needs the references match")
    parser.add_argument("--chunk-size", type=int, default=matching.DEFAULT_CHUNK_SIZE)
    parser.add_argument("--no-tracemalloc", action="store_true")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    rng = np.random.default_rng(SEED)

    print(f"{args.needs:,} needs x {args.offers:,} offers, top {args.k}; {_load()}.")
    rss_start = _peak_rss_mib()
    started = time.perf_counter()
    offers = make_offers(rng, args.offers)
    needs = make_needs(rng, args.needs)
    print(f"Making the records (validated dataclasses): {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    index = matching.OfferIndex(offers)
    build = time.perf_counter() - started
    started = time.perf_counter()
    ours = dict(index.match(needs, args.k, args.chunk_size))
    seconds = time.perf_counter() - started
    found = [len(m) for m in ours.values()]
    per_need = seconds / max(len(needs), 1) * 1e6
    print(f"Ours: index {build:.2f} s, matching {seconds:.2f} s ({per_need:.0f} µs a need)")
    print(
        f"  needs with a match: {sum(f > 0 for f in found):,}; with a full top {args.k}: "
        f"{sum(f == args.k for f in found):,}; matches {sum(found):,}"
    )
    print(
        f"  peak resident size so far: {_peak_rss_mib():.0f} MiB ({rss_start:.0f} MiB at the start)"
    )

    if not args.no_tracemalloc:
        del index
        tracemalloc.start()
        index = matching.OfferIndex(offers)
        after_build, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in index.match(needs, args.k, args.chunk_size):
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  tracemalloc: the index holds {after_build / 2**20:.1f} MiB; matching peaks "
            f"{(peak - after_build) / 2**20:.1f} MiB above it (chunks of {args.chunk_size}); "
            f"a dense needs x offers float64 matrix would be "
            f"{len(needs) * len(offers) * 8 / 2**30:.1f} GiB"
        )

    sample_rows = rng.choice(len(needs), size=min(args.sample, len(needs)), replace=False)
    sample = [needs[i] for i in sample_rows]
    scale = len(needs) / max(len(sample), 1)
    by_kind = {kind: [o for o in offers if o.kind == kind] for kind in KINDS}
    columns = {kind: _Columns(by_kind[kind]) for kind in KINDS if by_kind[kind]}

    started = time.perf_counter()
    brute = {
        n.id: columns[n.kind].top(n, None, args.k) if n.kind in columns else [] for n in sample
    }
    brute_seconds = time.perf_counter() - started

    from sklearn.neighbors import BallTree

    started = time.perf_counter()
    trees = {
        kind: BallTree(np.column_stack([c.latitude, c.longitude]), metric="haversine")
        for kind, c in columns.items()
    }
    ball_build = time.perf_counter() - started
    started = time.perf_counter()
    ball: dict[int, list[int]] = {}
    for n in sample:
        if n.kind not in columns:
            ball[n.id] = []
            continue
        c = columns[n.kind]
        radius = max(float(c.travel.max()), n.reach_miles) / EARTH_RADIUS_MILES
        point = np.radians([[n.latitude, n.longitude]])
        near = trees[n.kind].query_radius(point, r=radius * (1 + 1e-9))[0].astype(np.intp)
        ball[n.id] = c.top(n, np.sort(near), args.k)
    ball_seconds = time.perf_counter() - started

    def ids(need: Need) -> list[int]:
        return [m.offer_id for m in ours[need.id]]

    same_brute = sum(ids(n) == brute[n.id] for n in sample)
    same_ball = sum(ids(n) == ball[n.id] for n in sample)
    table: list[tuple[str, str, str, str]] = [
        ("ours (cKDTree per kind and tag)", f"{build:.2f}", f"{seconds:.2f}", "-"),
        (
            f"brute-force numpy, {len(sample)} needs x {scale:.0f}",
            "-",
            f"{brute_seconds * scale:.1f}",
            f"{same_brute}/{len(sample)}",
        ),
        (
            f"BallTree haversine, {len(sample)} needs x {scale:.0f}",
            f"{ball_build:.2f}",
            f"{ball_seconds * scale:.1f}",
            f"{same_ball}/{len(sample)}",
        ),
    ]
    print("\n| matcher | index s | all needs s | same top 10 as ours |")
    print("| --- | ---: | ---: | ---: |")
    for row in table:
        print("| " + " | ".join(row) + " |")
    print(f"\nPeak resident size: {_peak_rss_mib():.0f} MiB; {_load()}.")
    return 0 if same_brute == same_ball == len(sample) else 1


if __name__ == "__main__":
    sys.exit(main())
