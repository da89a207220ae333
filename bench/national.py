"""Generate a national-scale Grassroots data set into PostgreSQL, with COPY.

    python -m bench.national --scale 0.01     # about 1% of the country: a quick run
    python -m bench.national                  # the whole country (see the table below)
    python -m bench.national --drop           # drop the database afterwards

At --scale 1.0: 350 councils, 9,000 wards, 20,000 councillors (2-3 a ward, each with a
current term and a user account), 1 million users (one password hash shared), 200,000
initiatives across wards, themes and stages (about 2% safeguarded), their ward links,
memberships (the creator as lead and a few members), backings, needs, 2 million progress
updates, stage changes, outcomes, milestones, councillor supports, help requests, and
advocacy cases raised with council departments and answered by their officers.

There is no comment model yet: the "2 million updates/comments" of the issue are all
`initiatives.Update` rows.

The database is BENCH_NATIONAL_URL (default
postgres://postgres@127.0.0.1:5432/grassroots_national). It is dropped and created, migrated
with `manage.py migrate`, then every table is loaded with psycopg's COPY, foreign keys and
check constraints in force, then VACUUMed and ANALYZEd. Columns come from the models'
`_meta`, so the generator follows the models: a field this file does not set gets its
default ('' for a blank text field, NULL for a nullable one) and an unknown required field
stops the run.
The random data is deterministic for a given --seed and day (dates count back from today).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

if TYPE_CHECKING:
    from django.db.models import Model

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grassroots_national"
PASSWORD = "bench-national-password"  # noqa: S105 - a synthetic data set's shared password

FULL = {
    "councils": 350,
    "wards": 9_000,
    "councillors": 20_000,
    "users": 1_000_000,
    "initiatives": 200_000,
    "updates": 2_000_000,
}
DEPARTMENTS = ("Highways", "Parks and open spaces", "Housing", "Licensing", "Community safety")
THEMES = (
    "green_spaces",
    "health",
    "safety",
    "tourism",
    "volunteering",
    "young_people",
    "older_people",
    "housing",
    "transport",
    "arts",
    "other",
)
STAGES = ("idea", "gathering_support", "planning", "in_action", "achieved", "paused", "closed")
STAGE_WEIGHTS = (20, 25, 18, 17, 10, 5, 5)
NEED_KINDS = (
    "volunteers",
    "skills",
    "venue",
    "equipment",
    "money",
    "permission",
    "advice",
    "publicity",
)
SUPPORT_KINDS = ("facilitate", "connect", "advocate")
CASE_STATUSES = ("raised", "acknowledged", "under_consideration", "decided", "closed")
DECISIONS = ("agreed", "partly_agreed", "declined")
PARTIES = ("Labour", "Conservative", "Liberal Democrat", "Green", "Independent", "Reform UK")
WORDS = [
    "park",
    "allotment",
    "library",
    "bus",
    "route",
    "crossing",
    "playground",
    "youth",
    "club",
    "litter",
    "pick",
    "tree",
    "planting",
    "food",
    "bank",
    "warm",
    "space",
    "repair",
    "cafe",
    "bench",
    "lighting",
    "cycle",
    "lane",
    "pavement",
    "flood",
    "garden",
    "mural",
    "festival",
    "market",
    "toilets",
    "shelter",
    "football",
    "pitch",
    "community",
    "hall",
    "older",
    "neighbours",
    "carers",
    "loneliness",
    "walking",
    "group",
    "school",
    "street",
    "speed",
    "limit",
    "housing",
    "repairs",
    "damp",
    "mould",
    "recycling",
    "wildflower",
    "meadow",
    "pond",
    "river",
    "path",
    "dog",
    "fouling",
    "graffiti",
    "noise",
    "parking",
    "taxi",
    "rank",
    "tourism",
    "heritage",
    "trail",
    "choir",
    "theatre",
    "volunteers",
    "hedgehog",
    "bird",
    "boxes",
    "domestic",
    "abuse",
    "refuge",
    "mental",
    "health",
    "peer",
    "support",
]
PLACES = [
    "Ash",
    "Bourne",
    "Brook",
    "Castle",
    "Church",
    "Cliff",
    "Cross",
    "Dale",
    "Field",
    "Ford",
    "Gate",
    "Green",
    "Hall",
    "Heath",
    "Hill",
    "Holme",
    "Lea",
    "Marsh",
    "Mill",
    "Moor",
    "Oak",
    "Park",
    "Ridge",
    "Stone",
    "Thorn",
    "Vale",
    "Well",
    "Wick",
    "Wood",
]


@dataclass(frozen=True)
class Sizes:
    councils: int
    wards: int
    councillors: int
    users: int
    initiatives: int
    updates: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        n = {k: max(1, round(v * scale)) for k, v in FULL.items()}
        councils = max(2, n["councils"])
        wards = max(councils * 2, n["wards"])
        councillors = max(wards * 2, n["councillors"])
        return cls(
            councils=councils,
            wards=wards,
            councillors=councillors,
            users=max(councillors + councils * len(DEPARTMENTS) + 100, n["users"]),
            initiatives=max(10, n["initiatives"]),
            updates=n["updates"],
        )


# --- Copying model rows --------------------------------------------------------------------------


class Loader:
    """COPY rows into a model's table, filling the fields the generator does not set."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.report: list[tuple[str, int, float]] = []

    def copy(
        self, model: type[Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        meta = model._meta
        columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
        tail_columns: list[str] = []
        tail: list[Any] = []
        for field in meta.concrete_fields:
            if (
                field.name in fields
                or field.attname in fields
                or getattr(field, "generated", False)
            ):
                continue
            if field.primary_key and field.get_internal_type().endswith("AutoField"):
                continue  # the database numbers it
            if field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif (field.blank and field.get_internal_type() in ("CharField", "TextField")) or (
                field.get_internal_type() in ("FileField", "ImageField") and field.blank
            ):
                value = ""
            else:
                raise SystemExit(f"bench.national does not set the required {meta.label}.{field}")
            tail_columns.append(str(field.column))
            tail.append(value)
        extra = tuple(tail)
        table = meta.db_table
        column_list = ", ".join(f'"{c}"' for c in [*columns, *tail_columns])
        start = time.perf_counter()
        count = 0
        with self.conn.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
            self.conn.commit()
        seconds = time.perf_counter() - start
        self.report.append((table, count, seconds))
        print(f"  {table:<34}{count:>12,} rows {seconds:>8.1f} s", flush=True)
        return count

    def reset_sequences(self, models: Iterable[type[Model]]) -> None:
        with self.conn.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                pk = model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
                    f'COALESCE((SELECT max("{pk}") FROM "{table}"), 0) + 1, false)'
                )
        self.conn.commit()


# --- The data set --------------------------------------------------------------------------------


def street(i: int) -> str:
    """A street named in initiative i's problem: 841 of them, each in about 240 initiatives.

    The generated sentences draw on a small vocabulary, so any of its words is in a third of
    the initiatives; a street's name is the kind of rare word a real search is for.
    """
    return f"{PLACES[i % len(PLACES)]}{PLACES[i // len(PLACES) % len(PLACES)].lower()} Road"


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def generate(conn: psycopg.Connection[Any], sizes: Sizes, seed: int) -> Loader:
    from django.contrib.auth.hashers import make_password

    from grassroots.accounts.models import Department, OfficerPost, User
    from grassroots.conversations.models import Conversation, Post
    from grassroots.events.models import Event, Venue
    from grassroots.groups.models import Group, GroupMembership
    from grassroots.initiatives.models import (
        Backing,
        Initiative,
        InitiativeWard,
        Membership,
        Milestone,
        Need,
        Outcome,
        StageChange,
        Update,
    )
    from grassroots.places.models import Council, Councillor, CouncillorTerm, Postcode, Ward
    from grassroots.support.models import (
        AdvocacyCase,
        CaseMessage,
        HelpRequest,
        Support,
    )

    loader = Loader(conn)
    today = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)

    def rng_for(table: str) -> random.Random:
        return random.Random(f"{seed}:{table}")

    # Councils, their departments, wards (a small square each), postcodes.
    councils = sizes.councils
    kinds = ("E06", "E07", "E08", "E09", "W06")
    loader.copy(
        Council,
        ["id", "gss_code", "name", "slug", "kind", "contact_email"],
        (
            (
                c,
                f"{kinds[c % 5]}{c:06d}",
                f"{PLACES[c % len(PLACES)]}{PLACES[c // len(PLACES) % len(PLACES)].lower()} "
                f"Council {c}",
                f"council-{c}",
                kinds[c % 5],
                f"enquiries@council-{c}.invalid",
            )
            for c in range(1, councils + 1)
        ),
    )
    departments = [
        (c - 1) * len(DEPARTMENTS) + d + 1
        for c in range(1, councils + 1)
        for d in range(len(DEPARTMENTS))
    ]
    loader.copy(
        Department,
        ["id", "council", "name", "email"],
        (
            (dep, (dep - 1) // len(DEPARTMENTS) + 1, DEPARTMENTS[(dep - 1) % len(DEPARTMENTS)], "")
            for dep in departments
        ),
    )

    wards = sizes.wards
    ward_council = array("i", [0] * (wards + 1))
    ward_box: list[tuple[float, float]] = [(0.0, 0.0)] * (wards + 1)
    side = 0.02
    columns = 250  # a grid of squares over England and Wales

    def ward_rows() -> Iterator[tuple[Any, ...]]:
        for w in range(1, wards + 1):
            council = (w - 1) * councils // wards + 1
            ward_council[w] = council
            lon = -4.5 + ((w - 1) % columns) * side
            lat = 50.5 + ((w - 1) // columns) * side
            ward_box[w] = (lon, lat)
            ring = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side]]
            geometry = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
            name = f"{PLACES[w % len(PLACES)]} {PLACES[w // 7 % len(PLACES)]} {w}"
            yield (
                w,
                f"E05{w:06d}",
                name,
                f"ward-{w}",
                council,
                geometry,
                lon,
                lat,
                lon + side,
                lat + side,
                "BENCH",
            )

    loader.copy(
        Ward,
        [
            "id",
            "gss_code",
            "name",
            "slug",
            "council",
            "geometry",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "vintage",
        ],
        ward_rows(),
    )
    letters = "ABDEFGHJLNPQRSTUWXYZ"

    def postcode_rows() -> Iterator[tuple[Any, ...]]:
        for w in range(1, wards + 1):
            lon, lat = ward_box[w]
            for p in range(3):
                area = f"B{w // 1000 + 1}{w // 100 % 10}"  # "B10", "B11"... unique with inward
                inward = f"{p}{letters[w % 20]}{letters[w // 20 % 20]}"
                yield (
                    f"{area} {inward}",
                    f"E05{w:06d}",
                    f"{kinds[ward_council[w] % 5]}{ward_council[w]:06d}",
                    lat + side / 2,
                    lon + side / 2,
                )

    loader.copy(
        Postcode,
        ["postcode", "ward_code", "council_code", "latitude", "longitude"],
        postcode_rows(),
    )

    # Users: residents first, then the department officers, then the councillors' accounts.
    users = sizes.users
    officers_start = users - sizes.councillors - len(departments) + 1
    councillors_start = users - sizes.councillors + 1
    residents = officers_start - 1
    password = make_password(PASSWORD)

    def user_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("users")
        for u in range(1, users + 1):
            joined = today - day * rng.randrange(1, 2000)
            yield (
                u,
                password,
                f"user{u}@bench.invalid",
                f"Resident {u}" if u < officers_start else f"Staff {u}",
                (u - 1) % wards + 1,
                joined,
                True,
            )

    loader.copy(
        User,
        ["id", "password", "email", "display_name", "ward", "date_joined", "is_active"],
        user_rows(),
    )
    loader.copy(
        OfficerPost,
        ["id", "user", "department", "job_title", "starts_on"],
        (
            (n + 1, officers_start + n, dep, "Officer", (today - 400 * day).date())
            for n, dep in enumerate(departments)
        ),
    )

    # Councillors: 2-3 a ward, each with an account and a current term.
    councillors = sizes.councillors
    councillor_ward = array("i", [0] * (councillors + 1))
    ward_councillors: list[list[int]] = [[] for _ in range(wards + 1)]
    for k in range(1, councillors + 1):
        w = (k - 1) * wards // councillors + 1
        councillor_ward[k] = w
        ward_councillors[w].append(k)

    def councillor_rows() -> Iterator[tuple[Any, ...]]:
        for k in range(1, councillors + 1):
            yield (
                k,
                f"Councillor {PLACES[k % len(PLACES)]} {k}",
                f"councillor-{k}",
                PARTIES[k % len(PARTIES)],
                f"cllr{k}@council.invalid",
                councillors_start + k - 1,
            )

    loader.copy(Councillor, ["id", "name", "slug", "party", "email", "user"], councillor_rows())
    loader.copy(
        CouncillorTerm,
        ["id", "councillor", "ward", "starts_on"],
        (
            (k, k, councillor_ward[k], (today - day * (100 + k % 1000)).date())
            for k in range(1, councillors + 1)
        ),
    )

    # Initiatives and what hangs off them.
    initiatives = sizes.initiatives
    init_ward = array("i", [0] * (initiatives + 1))
    init_creator = array("i", [0] * (initiatives + 1))
    init_stage = array("b", [0] * (initiatives + 1))
    init_age = array("i", [0] * (initiatives + 1))  # days since creation
    init_private = bytearray(initiatives + 1)  # 1: safeguarded
    second_ward: dict[int, int] = {}

    def initiative_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("initiatives")
        stage_indexes = range(len(STAGES))
        for i in range(1, initiatives + 1):
            w = rng.randrange(1, wards + 1)
            init_ward[i] = w
            if rng.random() < 0.05 and wards > 1:
                second_ward[i] = w % wards + 1
            creator = rng.randrange(1, residents + 1)
            init_creator[i] = creator
            stage = rng.choices(stage_indexes, STAGE_WEIGHTS)[0]
            init_stage[i] = stage
            age = rng.randrange(stage * 20 + 1, stage * 20 + 700)
            init_age[i] = age
            created = today - day * age
            lon, lat = ward_box[w]
            title = f"{_sentence(rng, 4)[:-1]} in {PLACES[w % len(PLACES)]}"
            private = rng.random() < 0.02
            init_private[i] = private
            yield (
                i,
                title,
                f"initiative-{i}",
                f"{_sentence(rng, 25)} Near {street(i)}.",
                _sentence(rng, 15),
                _sentence(rng, 6),
                THEMES[rng.randrange(len(THEMES))],
                "safeguarded" if private else "public",
                STAGES[stage],
                created + day * min(age - 1, stage * 15),
                creator,
                created,
                created + day * min(age - 1, stage * 15),
                lat + rng.random() * side,
                lon + rng.random() * side,
            )

    loader.copy(
        Initiative,
        [
            "id",
            "title",
            "slug",
            "problem",
            "change_wanted",
            "who_for",
            "theme",
            "visibility",
            "stage",
            "stage_changed_at",
            "created_by",
            "created_at",
            "updated_at",
            "latitude",
            "longitude",
        ],
        initiative_rows(),
    )

    def link_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for i in range(1, initiatives + 1):
            n += 1
            yield (n, i, init_ward[i])
            if i in second_ward:
                n += 1
                yield (n, i, second_ward[i])

    loader.copy(InitiativeWard, ["id", "initiative", "ward"], link_rows())

    members: list[tuple[int, ...]] = [()] * (initiatives + 1)

    def membership_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("memberships")
        n = 0
        for i in range(1, initiatives + 1):
            created = today - day * init_age[i]
            n += 1
            yield (n, i, init_creator[i], "lead", "approved", created, created, None)
            chosen = {init_creator[i]}
            for _ in range(rng.randrange(0, 5)):
                u = rng.randrange(1, residents + 1)
                if u in chosen:
                    continue
                chosen.add(u)
                approved = rng.random() < 0.8
                n += 1
                yield (
                    n,
                    i,
                    u,
                    "member",
                    "approved" if approved else "requested",
                    created + day,
                    created + 2 * day if approved else None,
                    init_creator[i] if approved else None,
                )
            members[i] = tuple(chosen)

    loader.copy(
        Membership,
        ["id", "initiative", "user", "role", "status", "requested_at", "decided_at", "decided_by"],
        membership_rows(),
    )

    def backing_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("backings")
        n = 0
        for i in range(1, initiatives + 1):
            seen: set[int] = set()
            for _ in range(rng.randrange(0, 11)):
                u = rng.randrange(1, residents + 1)
                if u in seen:
                    continue
                seen.add(u)
                n += 1
                yield (n, i, u, today - day * rng.randrange(0, init_age[i]))

    loader.copy(Backing, ["id", "initiative", "user", "created_at"], backing_rows())

    def need_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("needs")
        n = 0
        for i in range(1, initiatives + 1):
            for _ in range(rng.randrange(0, 4)):
                kind = NEED_KINDS[rng.randrange(len(NEED_KINDS))]
                met = rng.random() < 0.3
                created = today - day * rng.randrange(0, init_age[i])
                n += 1
                yield (
                    n,
                    i,
                    kind,
                    _sentence(rng, 10),
                    "met" if met else "open",
                    rng.randrange(1, 30) if kind == "volunteers" else None,
                    "Saturday mornings" if kind == "volunteers" else "",
                    rng.randrange(1000, 500_000) if kind == "money" else None,
                    created,
                    created + day if met else None,
                )

    loader.copy(
        Need,
        [
            "id",
            "initiative",
            "kind",
            "description",
            "status",
            "volunteers_wanted",
            "when",
            "amount_pence",
            "created_at",
            "met_at",
        ],
        need_rows(),
    )

    def update_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("updates")
        per = sizes.updates / initiatives
        n = 0
        for i in range(1, initiatives + 1):
            # An even share, give or take, so the total lands on sizes.updates.
            count = round(per * i) - round(per * (i - 1))
            people = members[i]
            age = init_age[i]
            for _ in range(count):
                n += 1
                yield (
                    n,
                    i,
                    people[rng.randrange(len(people))],
                    _sentence(rng, 18),
                    today - datetime.timedelta(minutes=rng.randrange(0, age * 1440)),
                )

    loader.copy(Update, ["id", "initiative", "author", "text", "created_at"], update_rows())

    def stage_change_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for i in range(1, initiatives + 1):
            created = today - day * init_age[i]
            path = [*range(min(init_stage[i], 4) + 1)]
            if init_stage[i] > 4:
                path.append(init_stage[i])
            previous = ""
            for step, stage in enumerate(path):
                n += 1
                yield (n, i, previous, STAGES[stage], "", init_creator[i], created + day * step)
                previous = STAGES[stage]

    loader.copy(
        StageChange,
        ["id", "initiative", "from_stage", "to_stage", "note", "changed_by", "changed_at"],
        stage_change_rows(),
    )

    achieved = [i for i in range(1, initiatives + 1) if STAGES[init_stage[i]] == "achieved"]
    loader.copy(
        Outcome,
        ["id", "initiative", "what_changed", "for_whom", "evidence", "recorded_by", "recorded_at"],
        (
            (
                n + 1,
                i,
                "A new community garden.",
                "Families nearby.",
                "Photos.",
                init_creator[i],
                today,
            )
            for n, i in enumerate(achieved)
        ),
    )

    def milestone_rows() -> Iterator[tuple[Any, ...]]:
        rng = rng_for("milestones")
        n = 0
        for i in range(1, initiatives + 1):
            if rng.random() < 0.3:
                for m in range(2):
                    n += 1
                    due = (today + day * rng.randrange(-60, 120)).date()
                    yield (n, i, f"Milestone {m + 1}", due, due if m == 0 else None)

    loader.copy(Milestone, ["id", "initiative", "title", "due_on", "done_on"], milestone_rows())

    # Help requests (10% of initiatives), supports (about 20%), advocacy cases and threads.
    rng = rng_for("support")
    help_rows: list[tuple[Any, ...]] = []
    support_rows: list[tuple[Any, ...]] = []
    case_rows: list[tuple[Any, ...]] = []
    message_rows: list[tuple[Any, ...]] = []
    for i in range(1, initiatives + 1):
        ward_cllrs = ward_councillors[init_ward[i]]
        if not ward_cllrs:
            continue
        roll = rng.random()
        help_id: int | None = None
        kind = SUPPORT_KINDS[rng.randrange(3)]
        asked = today - day * rng.randrange(0, init_age[i])
        councillor = ward_cllrs[rng.randrange(len(ward_cllrs))]
        if roll < 0.10:
            help_id = len(help_rows) + 1
            taken = rng.random() < 0.6
            help_rows.append(
                (
                    help_id,
                    i,
                    kind,
                    _sentence(rng, 12),
                    init_creator[i],
                    "taken" if taken else "waiting",
                    asked,
                    councillor if taken else None,
                    asked + day * rng.randrange(0, 10) if taken else None,
                    asked + 10 * day if not taken and (today - asked).days > 14 else None,
                )
            )
            if not taken:
                continue
        elif roll > 0.12:
            continue
        status = rng.choice(("offered", "declined", "planned", "in_progress", "done", "done"))
        support_id = len(support_rows) + 1
        done = status == "done"
        support_rows.append(
            (
                support_id,
                i,
                councillor,
                kind,
                _sentence(rng, 12),
                status,
                help_id,
                asked,
                asked + day if status != "offered" else None,
                asked + 20 * day if done else None,
                rng.choice(("yes", "partly", "no")) if done else "",
                _sentence(rng, 8) if done else "",
                init_creator[i] if done else None,
                asked + 21 * day if done else None,
            )
        )
        if kind == "advocate" and status in ("planned", "in_progress", "done"):
            case_id = len(case_rows) + 1
            case_status = CASE_STATUSES[rng.randrange(len(CASE_STATUSES))]
            decided = case_status in ("decided", "closed")
            council = ward_council[init_ward[i]]
            department = departments[(council - 1) * len(DEPARTMENTS) + rng.randrange(5)]
            case_rows.append(
                (
                    case_id,
                    support_id,
                    department,
                    _sentence(rng, 15),
                    _sentence(rng, 20),
                    _sentence(rng, 10),
                    (asked + 30 * day).date(),
                    case_status,
                    DECISIONS[rng.randrange(3)] if decided else "",
                    _sentence(rng, 12) if decided else "",
                    asked + day,
                    asked + 5 * day,
                    asked + 5 * day if decided else None,
                )
            )
            officer = officers_start + departments.index(department)
            cllr_user = councillors_start + councillor - 1
            for m in range(rng.randrange(1, 5)):
                message_rows.append(
                    (
                        len(message_rows) + 1,
                        case_id,
                        officer if m % 2 else cllr_user,
                        _sentence(rng, 20),
                        m == 3,
                        department if m == 3 else None,  # an internal note is a department's
                        asked + day * (m + 2),
                    )
                )
    loader.copy(
        HelpRequest,
        [
            "id",
            "initiative",
            "kind",
            "message",
            "requested_by",
            "status",
            "created_at",
            "taken_by",
            "taken_at",
            "overdue_since",
        ],
        help_rows,
    )
    loader.copy(
        Support,
        [
            "id",
            "initiative",
            "councillor",
            "kind",
            "description",
            "status",
            "help_request",
            "offered_at",
            "decided_at",
            "done_at",
            "helped",
            "feedback",
            "feedback_by",
            "feedback_at",
        ],
        support_rows,
    )
    loader.copy(
        AdvocacyCase,
        [
            "id",
            "support",
            "department",
            "ask",
            "evidence",
            "outcome_wanted",
            "wanted_by",
            "status",
            "decision",
            "decision_reasons",
            "raised_at",
            "status_changed_at",
            "decided_at",
        ],
        case_rows,
    )
    loader.copy(
        CaseMessage,
        ["id", "case", "author", "text", "internal", "department", "created_at"],
        message_rows,
    )

    community(loader, sizes, seed, today, ward_council, init_private, residents)
    loader.reset_sequences(
        [
            Group,
            GroupMembership,
            Venue,
            Event,
            Conversation,
            Post,
            Council,
            Department,
            Ward,
            Postcode,
            User,
            OfficerPost,
            Councillor,
            CouncillorTerm,
            Initiative,
            InitiativeWard,
            Membership,
            Backing,
            Need,
            Update,
            StageChange,
            Outcome,
            Milestone,
            HelpRequest,
            Support,
            AdvocacyCase,
            CaseMessage,
        ]
    )
    return loader


def community(
    loader: Loader,
    sizes: Sizes,
    seed: int,
    today: datetime.datetime,
    ward_council: array[int],
    init_private: bytearray,
    residents: int,
) -> None:
    """Groups and their members, venues, events and conversations with their replies.

    A council has about 50 groups (5 members each), a venue for every third ward, and the
    country about one event and one conversation for every two initiatives: hosted by groups,
    wards and public initiatives in turn, half the events still to come, 5 replies a
    conversation on average and a few long threads (up to 400) among them.
    """
    from grassroots.conversations.models import Conversation, Post
    from grassroots.events.models import Event, Venue
    from grassroots.groups.models import Group, GroupMembership

    day = datetime.timedelta(days=1)
    rng = random.Random(f"{seed}:community")
    councils, wards = sizes.councils, sizes.wards
    groups = councils * 50
    group_council = array("i", [0] * (groups + 1))
    group_rows: list[tuple[Any, ...]] = []
    for g in range(1, groups + 1):
        council = (g - 1) % councils + 1
        group_council[g] = council
        group_rows.append(
            (
                g,
                council,
                f"{PLACES[g % len(PLACES)]} {WORDS[g % len(WORDS)]} group {g}",
                f"group-{g}",
                _sentence(rng, 20),
                "open" if g % 4 else "invite",
                *[today - day * rng.randrange(30, 900)] * 2,
            )
        )
    loader.copy(
        Group,
        ["id", "council", "name", "slug", "description", "joining", "created_at", "updated_at"],
        group_rows,
    )

    def membership_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for g in range(1, groups + 1):
            chosen = {rng.randrange(1, residents + 1) for _ in range(5)}
            for k, user in enumerate(sorted(chosen)):
                n += 1
                role = "organiser" if k == 0 else "member"
                joined = today - day * rng.randrange(1, 600)
                yield (n, g, user, role, "active", joined, joined)

    loader.copy(
        GroupMembership,
        ["id", "group", "user", "role", "status", "created_at", "updated_at"],
        membership_rows(),
    )
    venues = max(1, wards // 3)
    loader.copy(
        Venue,
        ["id", "council", "ward", "name", "step_free", "created_at", "updated_at"],
        (
            (v, ward_council[3 * v - 2], 3 * v - 2, f"Hall {v}", True, today, today)
            for v in range(1, venues + 1)
        ),
    )
    initiatives = len(init_private) - 1
    public = [i for i in range(1, initiatives + 1) if not init_private[i]]

    def host(n: int) -> tuple[int | None, int | None, int | None]:
        """(group, initiative, ward): one in three of each."""
        if n % 3 == 0:
            return (rng.randrange(1, groups + 1), None, None)
        if n % 3 == 1:
            return (None, public[rng.randrange(len(public))], None)
        return (None, None, rng.randrange(1, wards + 1))

    def event_rows() -> Iterator[tuple[Any, ...]]:
        for e in range(1, initiatives // 2 + 1):
            group, initiative, ward = host(e)
            starts = today + day * rng.randrange(-200, 200) + datetime.timedelta(hours=18)
            venue = rng.randrange(1, venues + 1)
            yield (
                e,
                group,
                initiative,
                ward,
                ("meeting", "activity")[e % 2],
                f"{_sentence(rng, 3)[:-1]} meeting",
                _sentence(rng, 20),
                starts,
                starts + datetime.timedelta(hours=2),
                venue,
                uuid.UUID(int=rng.getrandbits(128)),
                starts - 30 * day,
                starts - 30 * day,
            )

    loader.copy(
        Event,
        [
            "id",
            "group",
            "initiative",
            "ward",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "uid",
            "created_at",
            "updated_at",
        ],
        event_rows(),
    )
    conversations = initiatives // 2
    replies = array("i", [0] * (conversations + 1))
    started = [today] * (conversations + 1)
    for c in range(1, conversations + 1):
        replies[c] = 400 if c % 5000 == 1 else rng.randrange(0, 10)
        started[c] = today - day * rng.randrange(1, 400)

    def conversation_rows() -> Iterator[tuple[Any, ...]]:
        for c in range(1, conversations + 1):
            group, initiative, ward = host(c)
            last = started[c] + day * min(replies[c], 30) if replies[c] else None
            yield (
                c,
                group,
                initiative,
                ward,
                f"{_sentence(rng, 6)[:-1]}?",
                _sentence(rng, 25),
                "everyone",
                rng.randrange(1, residents + 1),
                started[c],
                last,
                replies[c],
            )

    loader.copy(
        Conversation,
        [
            "id",
            "group",
            "initiative",
            "ward",
            "question",
            "description",
            "audience",
            "started_by",
            "created_at",
            "last_reply_at",
            "reply_count",
        ],
        conversation_rows(),
    )

    def post_rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for c in range(1, conversations + 1):
            top = 0
            top_path = ""
            for r in range(replies[c]):
                n += 1
                answer = top and r % 3 == 2  # every third reply answers the last top-level one
                path = f"{n:012d}" if not answer else f"{top_path}.{n:012d}"
                yield (
                    n,
                    c,
                    top if answer else None,
                    path,
                    1 if answer else 0,
                    rng.randrange(1, residents + 1),
                    _sentence(rng, 30),
                    started[c] + datetime.timedelta(minutes=37 * (r + 1)),
                )
                if not answer:
                    top, top_path = n, path

    loader.copy(
        Post,
        ["id", "conversation", "parent", "path", "depth", "author", "body", "created_at"],
        post_rows(),
    )


# --- Database housekeeping -----------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def drop_database(url: str) -> None:
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def create_database(url: str) -> None:
    drop_database(url)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database_name(url)}"')


def environment(url: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-national-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def setup_django(url: str) -> None:
    """Configure Django in this process against `url` (production-like settings)."""
    os.environ.update(environment(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "grassroots.settings"
    import django

    django.setup()


def timed(label: str, action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"  {label:<34}{'':>12}      {seconds:>8.1f} s", flush=True)
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.national", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national (default)")
    parser.add_argument("--seed", type=int, default=2026)
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument("--keep", dest="keep", action="store_true", default=True)
    keep.add_argument("--drop", dest="keep", action="store_false", help="drop the db at the end")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_NATIONAL_URL", DEFAULT_URL)
    sizes = Sizes.at(args.scale)
    print(f"National data set at scale {args.scale}: {sizes} into {database_name(url)}")
    total = time.perf_counter()
    try:
        create_database(url)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL unavailable: {error}", file=sys.stderr)
        return 1
    try:
        timed(
            "migrate",
            lambda: subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=environment(url),
                check=True,
            ),
        )
        setup_django(url)
        with psycopg.connect(url) as conn:
            conn.execute("SET synchronous_commit = off")
            loader = generate(conn, sizes, args.seed)
            conn.autocommit = True
            # VACUUM too, as autovacuum would have by now: index-only scans need the visibility
            # map it sets (the list's deep pages are skipped in an index).
            timed("VACUUM ANALYZE", lambda: conn.execute("VACUUM (ANALYZE)"))
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            size_mb = (row[0] if row else 0) / 1024 / 1024
    finally:
        if not args.keep:
            drop_database(url)
    seconds = time.perf_counter() - total
    rows = sum(count for _, count, _ in loader.report)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(
        f"Loaded {rows:,} rows at scale {args.scale} in {seconds:.0f} s "
        f"({size_mb:,.0f} MB on disk); {os.cpu_count()} CPUs, load average now {load}"
        + ("" if args.keep else "; database dropped")
    )
    print(f"{'table':<34}{'rows':>12}{'seconds':>10}{'rows/s':>11}")
    for table, count, secs in loader.report:
        print(f"{table:<34}{count:>12,}{secs:>10.1f}{count / secs if secs else 0:>11,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
