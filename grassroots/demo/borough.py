"""The demo borough: a fictional council, built the same way on every run (`manage.py seed_demo`).

Brookmere Borough Council does not exist. Its wards are generated polygons (a fine Voronoi mesh
grouped into twelve wards), its postcodes use the area "GR", which Royal Mail does not use, and
its codes (E06999999, E05999901…) cannot clash with real GSS codes. Nobody in it is a real person.

Two halves:

- `build_dataset()` is pure: a seeded `random.Random` per part, no database, so two runs give
  equal `DemoDataset` values (checked by `dataset_digest`).
- the first steps of `grassroots.demo.seed.seed_demo()` (`seed_wards` … `seed_accounts`, here)
  write the dataset, updating rows by their natural keys so that running it twice changes
  nothing and other councils' rows are never touched. The other modules of `grassroots.demo`
  add each area's content on top, given the `Borough` built so far.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import shapely
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import MultiPoint, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

from grassroots.accounts.models import Department, OfficerPost, User
from grassroots.core.slugs import ascii_slug
from grassroots.places.geometry import bbox_of
from grassroots.places.models import (
    Council,
    CouncilKind,
    Councillor,
    CouncillorTerm,
    Postcode,
    Ward,
)

# --- The borough's fixed facts. -----------------------------------------------------------------

DEMO_SEED = "brookmere-v1"
COUNCIL_GSS = "E06999999"
COUNCIL_NAME = "Brookmere Borough Council"
COUNCIL_SLUG = "brookmere"
WARD_GSS_PREFIX = "E05999"  # E05999901, E05999902, …
WARD_VINTAGE = "DEMO24"
PUBLIC_DOMAIN = "brookmere.example"  # councillors' and departments' public emails
ACCOUNT_DOMAIN = "demo.grassroots.localhost"  # demo sign-ins: mail to .localhost goes nowhere
RESIDENT_DOMAIN = f"residents.{ACCOUNT_DOMAIN}"  # the generated residents
COUNCILLOR_DOMAIN = f"councillors.{ACCOUNT_DOMAIN}"  # councillors who support initiatives
# The published sign-ins, by role. Councillors, officers and site admins must use TOTP.
SIGN_IN_EMAILS = {
    "resident": f"resident@{ACCOUNT_DOMAIN}",
    "councillor": f"councillor@{ACCOUNT_DOMAIN}",
    "officer": f"officer@{ACCOUNT_DOMAIN}",
    "moderator": f"moderator@{ACCOUNT_DOMAIN}",
    "editor": f"editor@{ACCOUNT_DOMAIN}",
    "site admin": f"admin@{ACCOUNT_DOMAIN}",
}
TOTP_ROLES = frozenset({"councillor", "officer", "editor", "site admin"})
DEMO_PASSWORD = "grassroots-demo"  # noqa: S105 - the published demo password, refused in production
POSTCODE_AREA = "GR"
CENTRE_LON, CENTRE_LAT = -1.1, 52.2

WARD_COUNT = 12
RESIDENT_COUNT = 300
POSTCODES_PER_WARD = (20, 40)
TERMINATED_POSTCODES = 3

ELECTION_DAY = datetime.date(2024, 5, 2)
TERM_STARTS = datetime.date(2024, 5, 6)  # four days after polling day
PREVIOUS_TERM = (datetime.date(2021, 5, 10), datetime.date(2024, 5, 5))
BY_ELECTION_TERM_STARTS = datetime.date(2025, 7, 21)
RESIGNED_ON = datetime.date(2025, 6, 13)

# --- Word lists (invented; any likeness to a real person is a coincidence). ---------------------

FIRST_NAMES = (
    "Aled", "Amira", "Bethan", "Callum", "Chidi", "Deepa", "Eleanor", "Ewan", "Femi", "Fiona",
    "Gareth", "Grace", "Hamid", "Hannah", "Imran", "Isla", "Joanna", "Jun", "Keira", "Kwame",
    "Leon", "Lucy", "Maryam", "Mohammed", "Nathan", "Niamh", "Oliver", "Olu", "Priya", "Rhys",
    "Rosa", "Sadia", "Stefan", "Tariq", "Tomasz", "Una", "Victor", "Wendy", "Yusuf", "Zara",
)  # fmt: skip
SURNAMES = (
    "Adeyemi", "Ashcombe", "Bellingham", "Brennan", "Castellano", "Chaudhry", "Dervish",
    "Ellery", "Fairweather", "Garroway", "Hollins", "Ingram", "Jaskolski", "Kaur", "Lindqvist",
    "Maddox", "Nowak", "Okafor", "Pennick", "Quayle", "Rowntree", "Sandoval", "Thornbury",
    "Umeh", "Varga", "Whitcombe", "Yardley", "Zielinski", "Oduya", "Marchetti",
)  # fmt: skip
WARD_NAMES = (
    "Alderwick", "Bramblefield", "Castle Fold", "Dunmere", "Fennick", "Greywell Green",
    "Hollowmead", "Kestrel Rise", "Millbrook Ash",
)  # fmt: skip
# The most central, eastern and western wards take these names.
CENTRAL_WARD, EAST_WARD, WEST_WARD = "Brookmere Central", "Eastmoor", "Westwater"
PARTIES = (
    ("Riverside Alliance", 8),
    ("Civic Party", 7),
    ("Independent", 6),
    ("Greenway Party", 5),
    ("Brookmere Residents' Association", 4),
)
JOBS = (
    "a primary school teacher", "a community nurse", "a bus driver", "a small business owner",
    "a retired engineer", "a pharmacist", "a youth worker", "a carer", "a solicitor",
    "a firefighter", "a librarian", "an electrician",
)  # fmt: skip
INTERESTS = (
    "safer streets", "green spaces", "affordable housing", "buses and cycle routes",
    "support for young people", "the high street", "tackling loneliness", "flood prevention",
    "libraries", "air quality", "local jobs", "play areas",
)  # fmt: skip

# Postcodes: units use the letters Royal Mail uses in inward codes. The last letter avoids A-I,
# which the test factories' "GR…" postcodes use, so demo and factory postcodes never collide.
UNIT_FIRST_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
UNIT_LAST_LETTERS = "JLNPQRSTUWXYZ"
LIVE_SECTORS = 8  # sectors 1-8 hold live postcodes; sector 9 the terminated ones


def _dotted(name: str) -> str:
    """ "Tomasz Nowak" → "tomasz.nowak", for an email address's local part."""
    return ascii_slug(name, max_length=60, fallback="councillor").replace("-", ".")


class DemoError(Exception):
    """The demo cannot be built or used here; the message says why."""


# --- The dataset: plain values, built without the database. -------------------------------------


@dataclass(frozen=True)
class WardSpec:
    gss_code: str
    name: str
    slug: str
    geometry: dict[str, Any]  # GeoJSON Polygon, lon/lat, counter-clockwise exterior


@dataclass(frozen=True)
class PostcodeSpec:
    postcode: str
    ward_code: str
    latitude: float
    longitude: float
    terminated_on: datetime.date | None = None


@dataclass(frozen=True)
class TermSpec:
    ward_code: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class CouncillorSpec:
    slug: str
    name: str
    party: str
    email: str
    phone: str
    biography: str
    terms: tuple[TermSpec, ...]


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    email: str


@dataclass(frozen=True)
class ResidentSpec:
    email: str
    display_name: str
    postcode: str
    ward_code: str
    date_joined: datetime.datetime


@dataclass(frozen=True)
class AccountSpec:
    """One of the published demo sign-ins."""

    role: str  # "resident", "councillor", "officer", "moderator", "editor", "site admin"
    email: str
    display_name: str
    postcode: str = ""
    ward_code: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    is_moderator: bool = False
    is_editor: bool = False
    councillor_slug: str = ""
    department: str = ""
    job_title: str = ""
    totp: bool = False


@dataclass(frozen=True)
class DemoDataset:
    seed: str
    outline: dict[str, Any]  # the borough boundary: the union of its wards
    wards: tuple[WardSpec, ...]
    postcodes: tuple[PostcodeSpec, ...]
    councillors: tuple[CouncillorSpec, ...]
    departments: tuple[DepartmentSpec, ...]
    residents: tuple[ResidentSpec, ...]
    accounts: tuple[AccountSpec, ...]

    def account(self, role: str) -> AccountSpec:
        return next(spec for spec in self.accounts if spec.role == role)


def build_dataset(seed: str = DEMO_SEED) -> DemoDataset:
    """Generate the whole borough from `seed`. Pure: same seed, equal result."""
    outline, wards = _build_wards(random.Random(f"{seed}:wards"))
    postcodes = _build_postcodes(random.Random(f"{seed}:postcodes"), wards)
    councillors = _build_councillors(random.Random(f"{seed}:councillors"), wards)
    residents = _build_residents(random.Random(f"{seed}:residents"), postcodes)
    departments = (
        DepartmentSpec("Community Safety", f"community.safety@{PUBLIC_DOMAIN}"),
        DepartmentSpec("Parks and Green Spaces", f"parks@{PUBLIC_DOMAIN}"),
    )
    accounts = _build_accounts(wards, postcodes, councillors)
    return DemoDataset(
        seed=seed,
        outline=outline,
        wards=wards,
        postcodes=postcodes,
        councillors=councillors,
        departments=departments,
        residents=residents,
        accounts=accounts,
    )


def dataset_digest(dataset: DemoDataset) -> str:
    """A SHA-256 of the dataset, to compare runs in different processes."""
    text = json.dumps(asdict(dataset), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def geometry_checksum(geometries: Iterable[dict[str, Any]]) -> str:
    text = json.dumps(list(geometries), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# Wards are drawn in kilometres around the centre, then projected to lon/lat.
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320 * math.cos(math.radians(CENTRE_LAT))
_WIDTH_KM, _HEIGHT_KM = 11.0, 8.0
_MESH = (20, 15)  # columns, rows of the fine mesh the wards are made of


def _to_lonlat(x: float, y: float) -> tuple[float, float]:
    return (
        round(CENTRE_LON + x / _KM_PER_DEG_LON, 6),
        round(CENTRE_LAT + y / _KM_PER_DEG_LAT, 6),
    )


def _polygon_geojson(polygon: Polygon) -> dict[str, Any]:
    ring = orient(polygon, sign=1.0).exterior.coords
    coordinates = [list(_to_lonlat(x, y)) for x, y in ring]
    return {"type": "Polygon", "coordinates": [coordinates]}


def _build_wards(rng: random.Random) -> tuple[dict[str, Any], tuple[WardSpec, ...]]:
    """A fine Voronoi mesh inside a blobby outline, grouped into contiguous wards."""
    cols, rows = _MESH
    half_w, half_h = _WIDTH_KM / 2, _HEIGHT_KM / 2
    points = [
        (
            -half_w + (i + 0.5 + rng.uniform(-0.35, 0.35)) * _WIDTH_KM / cols,
            -half_h + (j + 0.5 + rng.uniform(-0.35, 0.35)) * _HEIGHT_KM / rows,
        )
        for j in range(rows)
        for i in range(cols)
    ]
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]

    def in_borough(x: float, y: float) -> bool:
        u, v = x / half_w, y / half_h
        t = math.atan2(v, u)
        limit = (
            0.80
            + 0.06 * math.sin(2 * t + phases[0])
            + 0.04 * math.sin(3 * t + phases[1])
            + 0.03 * math.sin(5 * t + phases[2])
        )
        return math.hypot(u, v) <= limit

    mesh = shapely.voronoi_polygons(
        MultiPoint(points),
        extend_to=box(-_WIDTH_KM, -_HEIGHT_KM, _WIDTH_KM, _HEIGHT_KM),
        ordered=True,
    )
    kept = [k for k, (x, y) in enumerate(points) if in_borough(x, y)]
    cells: dict[int, Polygon] = {k: mesh.geoms[k] for k in kept}
    neighbours = _neighbours(cells)

    # Ward centres: k-means over the kept cells from a jittered 4 x 3 grid, then each cell goes
    # to the nearest centre measured from a jittered point, which makes the boundaries wiggle.
    centres = [
        (
            -half_w * 0.8 + (i + 0.5) * _WIDTH_KM * 0.8 / 4 + rng.uniform(-0.3, 0.3),
            -half_h * 0.8 + (j + 0.5) * _HEIGHT_KM * 0.8 / 3 + rng.uniform(-0.3, 0.3),
        )
        for j in range(3)
        for i in range(4)
    ]

    def nearest(x: float, y: float) -> int:
        return min(
            range(WARD_COUNT),
            key=lambda w: ((x - centres[w][0]) ** 2 + (y - centres[w][1]) ** 2, w),
        )

    for _ in range(15):
        groups: list[list[int]] = [[] for _ in range(WARD_COUNT)]
        for k in kept:
            groups[nearest(*points[k])].append(k)
        centres = [
            (
                sum(points[k][0] for k in group) / len(group),
                sum(points[k][1] for k in group) / len(group),
            )
            if group
            else centres[w]
            for w, group in enumerate(groups)
        ]
    owner: dict[int, int] = {}
    for k in kept:
        dx, dy = rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35)
        owner[k] = nearest(points[k][0] + dx, points[k][1] + dy)
    _make_contiguous(owner, neighbours)

    shapes: list[Polygon] = []
    for w in range(WARD_COUNT):
        merged = unary_union([cells[k] for k in kept if owner[k] == w])
        if not isinstance(merged, Polygon) or merged.interiors:
            raise DemoError(f"Generated ward {w} is not a simple polygon.")
        shapes.append(merged)
    borough = unary_union(shapes)
    if not isinstance(borough, Polygon) or borough.interiors:
        raise DemoError("The generated borough is not a simple polygon.")

    names = _ward_names(shapes, borough)
    geometries = [_polygon_geojson(shape) for shape in shapes]
    outline = _polygon_geojson(borough)
    _check_tessellation(geometries, outline)
    specs = sorted(zip(names, geometries, strict=True))  # GSS codes follow the names, as ONS's do
    wards = tuple(
        WardSpec(
            gss_code=f"{WARD_GSS_PREFIX}{901 + n}",
            name=name,
            slug=ascii_slug(name, max_length=200, fallback="ward"),
            geometry=geometry,
        )
        for n, (name, geometry) in enumerate(specs)
    )
    return outline, wards


def _neighbours(cells: dict[int, Polygon]) -> dict[int, list[int]]:
    keys = sorted(cells)
    tree = shapely.STRtree([cells[k] for k in keys])
    result: dict[int, list[int]] = {}
    for k in keys:
        result[k] = sorted(
            keys[int(i)]
            for i in tree.query(cells[k])
            if keys[int(i)] != k and cells[k].intersection(cells[keys[int(i)]]).length > 1e-9
        )
    return result


def _make_contiguous(owner: dict[int, int], neighbours: dict[int, list[int]]) -> None:
    """Give each stray piece of a ward (cut off from its main part) to a neighbouring ward."""
    changed = True
    while changed:
        changed = False
        for ward in sorted(set(owner.values())):
            members = sorted(k for k, w in owner.items() if w == ward)
            seen: set[int] = set()
            parts: list[list[int]] = []
            for start in members:
                if start in seen:
                    continue
                part, stack = [], [start]
                seen.add(start)
                while stack:
                    cell = stack.pop()
                    part.append(cell)
                    for other in neighbours[cell]:
                        if other not in seen and owner[other] == ward:
                            seen.add(other)
                            stack.append(other)
                parts.append(part)
            parts.sort(key=lambda part: (-len(part), min(part)))
            for part in parts[1:]:
                for cell in sorted(part):
                    others = sorted(owner[n] for n in neighbours[cell] if owner[n] != ward)
                    if others:
                        owner[cell] = others[0]
                        changed = True


def _ward_names(shapes: Sequence[Polygon], borough: Polygon) -> list[str]:
    centroids = [shape.centroid for shape in shapes]
    middle = borough.centroid
    names: list[str | None] = [None] * len(shapes)
    central = min(range(len(shapes)), key=lambda w: centroids[w].distance(middle))
    names[central] = CENTRAL_WARD
    east = max((w for w in range(len(shapes)) if names[w] is None), key=lambda w: centroids[w].x)
    names[east] = EAST_WARD
    west = min((w for w in range(len(shapes)) if names[w] is None), key=lambda w: centroids[w].x)
    names[west] = WEST_WARD
    # The rest in reading order: north-west to south-east.
    rest = sorted(
        (w for w in range(len(shapes)) if names[w] is None),
        key=lambda w: (-round(centroids[w].y), centroids[w].x),
    )
    for w, name in zip(rest, WARD_NAMES, strict=True):
        names[w] = name
    return [name or "" for name in names]


def _check_tessellation(geometries: Sequence[dict[str, Any]], outline: dict[str, Any]) -> None:
    shapes = [shapely.geometry.shape(g) for g in geometries]
    if not all(s.is_valid and isinstance(s, Polygon) for s in shapes):
        raise DemoError("A generated ward boundary is not a valid polygon.")
    if not shapely.coverage_is_valid(shapely.GeometryCollection(shapes)):
        raise DemoError("The generated ward boundaries overlap.")
    union = unary_union(shapes)
    if union.symmetric_difference(shapely.geometry.shape(outline)).area > 1e-12:
        raise DemoError("The generated wards do not cover the borough.")


def _build_postcodes(rng: random.Random, wards: Sequence[WardSpec]) -> tuple[PostcodeSpec, ...]:
    """20-40 live postcodes per ward (district GR<n> for ward n), plus a few terminated ones."""
    result: list[PostcodeSpec] = []
    terminated_wards = set(rng.sample(range(len(wards)), TERMINATED_POSTCODES))
    terminated_dates = iter(
        [datetime.date(2019, 3, 1), datetime.date(2021, 9, 1), datetime.date(2023, 6, 1)]
    )
    for n, ward in enumerate(wards):
        district = f"{POSTCODE_AREA}{n + 1}"
        # Keep points about 40 m inside the boundary, so each lies in exactly one ward.
        inner = shapely.geometry.shape(ward.geometry).buffer(-0.0004)
        shapely.prepare(inner)
        count = rng.randint(*POSTCODES_PER_WARD)
        points = [_point_in(rng, inner) for _ in range(count)]
        # Sectors run north to south, as real ones roughly follow streets.
        points.sort(key=lambda p: (-p[1], p[0]))
        units = sorted(
            rng.sample(
                [
                    f"{sector}{a}{b}"
                    for sector in range(1, LIVE_SECTORS + 1)
                    for a in UNIT_FIRST_LETTERS
                    for b in UNIT_LAST_LETTERS
                ],
                count,
            )
        )
        for unit, (lon, lat) in zip(units, points, strict=True):
            result.append(PostcodeSpec(f"{district} {unit}", ward.gss_code, lat, lon))
        if n in terminated_wards:
            lon, lat = _point_in(rng, inner)
            result.append(
                PostcodeSpec(
                    f"{district} 9ZZ", ward.gss_code, lat, lon, terminated_on=next(terminated_dates)
                )
            )
    return tuple(sorted(result, key=lambda p: p.postcode))


def _point_in(rng: random.Random, polygon: Any) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    while True:
        lon = round(rng.uniform(min_lon, max_lon), 6)
        lat = round(rng.uniform(min_lat, max_lat), 6)
        if polygon.contains(Point(lon, lat)):
            return lon, lat


def _build_councillors(rng: random.Random, wards: Sequence[WardSpec]) -> tuple[CouncillorSpec, ...]:
    """Two or three councillors per ward (30 in all), a by-election and two former members."""
    seats = [3] * 6 + [2] * 6
    rng.shuffle(seats)
    names = rng.sample([f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES], sum(seats) + 3)
    parties = [party for party, weight in PARTIES for _ in range(weight)]
    by_election_ward = rng.randrange(len(wards))
    former_wards = rng.sample(range(len(wards)), 2)
    result: list[CouncillorSpec] = []
    phones = iter(range(100, 1000, 7))  # Ofcom keeps 01632 960000-960999 for drama: never real

    def councillor(name: str, ward: WardSpec, terms: tuple[TermSpec, ...]) -> CouncillorSpec:
        first = name.split()[0]
        years = rng.randint(3, 40)
        interests = rng.sample(INTERESTS, 2)
        biography = (
            f"{first} has lived in {ward.name} for {years} years and works as "
            f"{rng.choice(JOBS)}. {first} cares most about {interests[0]} and "
            f"{interests[1]}, and is happy to help residents who want to start something "
            "in their neighbourhood."
        )
        return CouncillorSpec(
            slug=ascii_slug(f"{name} {COUNCIL_SLUG}", max_length=200, fallback="councillor"),
            name=name,
            party=rng.choice(parties),
            email=f"cllr.{_dotted(name)}@{PUBLIC_DOMAIN}",
            phone=f"01632 960{next(phones):03d}" if rng.random() < 0.5 else "",
            biography=biography,
            terms=terms,
        )

    queue = iter(names)
    for n, (ward, count) in enumerate(zip(wards, seats, strict=True)):
        for seat in range(count):
            name = next(queue)
            if n == by_election_ward and seat == 0:
                # Elected in 2024, resigned in 2025; the seat was filled at a by-election.
                result.append(
                    councillor(name, ward, (TermSpec(ward.gss_code, TERM_STARTS, RESIGNED_ON),))
                )
                successor = next(queue)
                result.append(
                    councillor(successor, ward, (TermSpec(ward.gss_code, BY_ELECTION_TERM_STARTS),))
                )
                continue
            terms: tuple[TermSpec, ...] = (TermSpec(ward.gss_code, TERM_STARTS),)
            if rng.random() < 0.5:
                terms = (*terms, TermSpec(ward.gss_code, *PREVIOUS_TERM))
            result.append(councillor(name, ward, terms))
    for n in former_wards:
        ward = wards[n]
        result.append(councillor(next(queue), ward, (TermSpec(ward.gss_code, *PREVIOUS_TERM),)))
    return tuple(sorted(result, key=lambda c: c.slug))


def _build_residents(
    rng: random.Random, postcodes: Sequence[PostcodeSpec]
) -> tuple[ResidentSpec, ...]:
    live = [p for p in postcodes if p.terminated_on is None]
    joined_from = datetime.datetime(2024, 6, 1, 9, 0, tzinfo=datetime.UTC)
    result = []
    for n in range(1, RESIDENT_COUNT + 1):
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        display_name = f"{first} {surname}" if rng.random() < 0.3 else f"{first} {surname[0]}."
        postcode = rng.choice(live)
        result.append(
            ResidentSpec(
                email=f"resident{n:03d}@{RESIDENT_DOMAIN}",
                display_name=display_name,
                postcode=postcode.postcode,
                ward_code=postcode.ward_code,
                date_joined=joined_from + datetime.timedelta(minutes=rng.randrange(500 * 24 * 60)),
            )
        )
    return tuple(result)


def _build_accounts(
    wards: Sequence[WardSpec],
    postcodes: Sequence[PostcodeSpec],
    councillors: Sequence[CouncillorSpec],
) -> tuple[AccountSpec, ...]:
    # The demo councillor represents Brookmere Central, and the demo resident lives there.
    ward = next(w for w in wards if w.name == CENTRAL_WARD)
    councillor = next(
        c
        for c in councillors
        if any(t.ward_code == ward.gss_code and t.ends_on is None for t in c.terms)
    )
    home = next(p for p in postcodes if p.ward_code == ward.gss_code and p.terminated_on is None)
    return (
        AccountSpec(
            "resident",
            SIGN_IN_EMAILS["resident"],
            "Robin Ashby",
            postcode=home.postcode,
            ward_code=ward.gss_code,
        ),
        AccountSpec(
            "councillor",
            SIGN_IN_EMAILS["councillor"],
            councillor.name,
            councillor_slug=councillor.slug,
            totp=True,
        ),
        AccountSpec(
            "officer",
            SIGN_IN_EMAILS["officer"],
            "Dana Whitlock",
            department="Parks and Green Spaces",
            job_title="Community Parks Officer",
            totp=True,
        ),
        AccountSpec("moderator", SIGN_IN_EMAILS["moderator"], "Morgan Ellery", is_moderator=True),
        AccountSpec("editor", SIGN_IN_EMAILS["editor"], "Priya Lennox", is_editor=True, totp=True),
        AccountSpec(
            "site admin",
            SIGN_IN_EMAILS["site admin"],
            "Jordan Pike",
            is_staff=True,
            is_superuser=True,
            totp=True,
        ),
    )


# --- TOTP for the demo sign-ins. ----------------------------------------------------------------


def demo_totp_secret(email: str) -> str:
    """The published, fixed TOTP secret of a demo sign-in (base32, as authenticator apps take)."""
    digest = hashlib.sha256(f"grassroots-demo-totp:{email.lower()}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


@dataclass(frozen=True)
class DemoCode:
    email: str
    code: str
    seconds_left: int


def demo_totp_code(email: str, *, now: float | None = None) -> DemoCode:
    """The current sign-in code of a demo sign-in that uses TOTP, or DemoError saying why not."""
    email = email.strip().lower()
    role = next((role for role, address in SIGN_IN_EMAILS.items() if address == email), None)
    if role is None:
        raise DemoError(f"{email} is not a demo sign-in of {COUNCIL_NAME}.")
    if role not in TOTP_ROLES:
        raise DemoError(f"{email} does not use an authenticator app: sign in with the password.")
    if not Council.objects.filter(gss_code=COUNCIL_GSS).exists():
        raise DemoError("The demo borough is not there: run `manage.py seed_demo` first.")
    user = User.objects.filter(email=email).first()
    authenticator = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if user
        else None
    )
    secret = demo_totp_secret(email)
    if authenticator is None or decrypt(authenticator.data["secret"]) != secret:
        raise DemoError(
            f"{email} no longer uses the demo authenticator: run `manage.py seed_demo` to reset it."
        )
    period = int(mfa_settings.TOTP_PERIOD)
    moment = time.time() if now is None else now
    counter = int(moment) // period
    return DemoCode(
        email=email,
        code=format_hotp_value(hotp_value(secret, counter)),
        seconds_left=period - int(moment) % period,
    )


# --- Writing the dataset. -----------------------------------------------------------------------


@dataclass
class Borough:
    """What the steps have written so far; later steps hang their own content on it."""

    dataset: DemoDataset
    council: Council
    wards: dict[str, Ward] = field(default_factory=dict)  # by GSS code, in name order
    postcodes: dict[str, Postcode] = field(default_factory=dict)
    councillors: dict[str, Councillor] = field(default_factory=dict)  # by slug
    departments: dict[str, Department] = field(default_factory=dict)  # by name
    residents: list[User] = field(default_factory=list)
    accounts: dict[str, User] = field(default_factory=dict)  # by role
    counts: dict[str, int] = field(default_factory=dict)  # what the summary reports
    _password_hash: str = ""

    def rng(self, step: str) -> random.Random:
        """A generator of its own for each step, so adding a step changes no other."""
        return random.Random(f"{self.dataset.seed}:{step}")

    @property
    def password_hash(self) -> str:
        """The demo password hashed once per run (hashing is slow), or the existing hash."""
        if not self._password_hash:
            self._password_hash = _demo_password_hash()
        return self._password_hash


SeedStep = Callable[[Borough], None]


def seed_council() -> Council:
    clash = Council.objects.filter(slug=COUNCIL_SLUG).exclude(gss_code=COUNCIL_GSS).first()
    if clash is not None:
        raise DemoError(
            f"Another council ({clash.gss_code}) already uses the slug {COUNCIL_SLUG!r}."
        )
    council, _ = Council.objects.update_or_create(
        gss_code=COUNCIL_GSS,
        defaults={
            "name": COUNCIL_NAME,
            "slug": COUNCIL_SLUG,
            "kind": CouncilKind.UNITARY,
            "website": f"https://www.{PUBLIC_DOMAIN}",
            "contact_email": f"enquiries@{PUBLIC_DOMAIN}",
        },
    )
    return council


def seed_wards(borough: Borough) -> None:
    specs = borough.dataset.wards
    foreign = Ward.objects.filter(gss_code__in=[s.gss_code for s in specs]).exclude(
        council=borough.council
    )
    if foreign.exists():
        raise DemoError(f"Another council has wards with the demo codes: {_codes(foreign)}.")
    for spec in specs:
        min_lon, min_lat, max_lon, max_lat = bbox_of(spec.geometry)
        ward, _ = Ward.objects.update_or_create(
            gss_code=spec.gss_code,
            defaults={
                "council": borough.council,
                "name": spec.name,
                "name_cy": "",
                "slug": spec.slug,
                "geometry": spec.geometry,
                "min_lon": min_lon,
                "min_lat": min_lat,
                "max_lon": max_lon,
                "max_lat": max_lat,
                "vintage": WARD_VINTAGE,
                "retired_at": None,
            },
        )
        borough.wards[spec.gss_code] = ward
    # Wards an older version of the demo had: retire them (other rows may still point at them).
    borough.council.wards.current().exclude(gss_code__in=borough.wards).update(
        retired_at=timezone.now()
    )
    borough.counts["wards"] = len(borough.wards)


def seed_postcodes(borough: Borough) -> None:
    wanted = {spec.postcode: spec for spec in borough.dataset.postcodes}
    existing = {
        row.postcode: row
        for row in Postcode.objects.filter(Q(council_code=COUNCIL_GSS) | Q(postcode__in=wanted))
    }
    foreign = sorted(p for p, row in existing.items() if row.council_code != COUNCIL_GSS)
    if foreign:
        raise DemoError(f"Postcodes the demo uses belong to another council: {', '.join(foreign)}.")
    fields = ("ward_code", "latitude", "longitude", "terminated_on")
    to_create, to_update = [], []
    for code, spec in wanted.items():
        values = {
            "ward_code": spec.ward_code,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "terminated_on": spec.terminated_on,
        }
        row = existing.get(code)
        if row is None:
            to_create.append(Postcode(postcode=code, council_code=COUNCIL_GSS, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    Postcode.objects.bulk_create(to_create, batch_size=500)
    Postcode.objects.bulk_update(to_update, fields, batch_size=500)
    Postcode.objects.filter(council_code=COUNCIL_GSS).exclude(postcode__in=wanted).delete()
    borough.postcodes = {row.postcode: row for row in Postcode.objects.filter(postcode__in=wanted)}
    terminated = sum(1 for spec in wanted.values() if spec.terminated_on)
    borough.counts["postcodes in use"] = len(wanted) - terminated
    borough.counts["postcodes no longer in use"] = terminated


def seed_councillors(borough: Borough) -> None:
    specs = borough.dataset.councillors
    foreign = Councillor.objects.filter(slug__in=[s.slug for s in specs]).exclude(
        email__endswith=f"@{PUBLIC_DOMAIN}"
    )
    if foreign.exists():
        names = ", ".join(sorted(foreign.values_list("slug", flat=True)))
        raise DemoError(f"Councillors outside the demo already use these slugs: {names}.")
    for spec in specs:
        councillor, _ = Councillor.objects.update_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "party": spec.party,
                "email": spec.email,
                "phone": spec.phone,
                "biography": spec.biography,
            },
        )
        borough.councillors[spec.slug] = councillor
        keep: list[int] = []
        for term in spec.terms:
            row, _ = CouncillorTerm.objects.update_or_create(
                councillor=councillor,
                ward=borough.wards[term.ward_code],
                starts_on=term.starts_on,
                defaults={"ends_on": term.ends_on},
            )
            keep.append(row.pk)
        councillor.terms.exclude(pk__in=keep).delete()
    current = sum(1 for spec in specs if any(term.ends_on is None for term in spec.terms))
    borough.counts["councillors in office"] = current
    borough.counts["former councillors"] = len(specs) - current


def seed_departments(borough: Borough) -> None:
    for spec in borough.dataset.departments:
        department, _ = Department.objects.update_or_create(
            council=borough.council, name=spec.name, defaults={"email": spec.email}
        )
        borough.departments[spec.name] = department
    borough.counts["departments"] = len(borough.departments)


def seed_residents(borough: Borough) -> None:
    """A few hundred residents, written in bulk, all with the one demo password hash."""
    specs = {spec.email: spec for spec in borough.dataset.residents}
    existing = {user.email: user for user in User.objects.filter(email__in=specs)}
    fields = ("display_name", "postcode", "ward", "password", "date_joined", "is_active")
    to_create, to_update = [], []
    for email, spec in specs.items():
        values: dict[str, Any] = {
            "display_name": spec.display_name,
            "postcode": spec.postcode,
            "ward_id": borough.wards[spec.ward_code].pk,
            "password": borough.password_hash,
            "date_joined": spec.date_joined,
            "is_active": True,
        }
        user = existing.get(email)
        if user is None:
            to_create.append(User(email=email, **values))
        elif any(getattr(user, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(user, name, value)
            to_update.append(user)
    User.objects.bulk_create(to_create, batch_size=500)
    User.objects.bulk_update(to_update, fields, batch_size=500)
    User.objects.filter(email__endswith=f"@{RESIDENT_DOMAIN}").exclude(email__in=specs).delete()
    borough.residents = list(User.objects.filter(email__in=specs).order_by("email"))
    _verify_emails(borough.residents)
    borough.counts["residents"] = len(borough.residents)


def seed_accounts(borough: Borough) -> None:
    """The published demo sign-ins, with their roles and (where a role needs it) TOTP."""
    joined = datetime.datetime(2024, 5, 20, 9, 0, tzinfo=datetime.UTC)
    for spec in borough.dataset.accounts:
        user = User.objects.filter(email=spec.email).first() or User(email=spec.email)
        user.display_name = spec.display_name
        user.postcode = spec.postcode
        user.ward = borough.wards[spec.ward_code] if spec.ward_code else None
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        user.is_moderator = spec.is_moderator
        user.is_editor = spec.is_editor
        user.is_active = True
        user.anonymised_at = None
        user.date_joined = joined
        user.password = borough.password_hash
        user.save()
        borough.accounts[spec.role] = user

        Councillor.objects.filter(user=user).exclude(slug=spec.councillor_slug).update(user=None)
        if spec.councillor_slug:
            councillor = borough.councillors[spec.councillor_slug]
            if councillor.user_id != user.pk:
                councillor.user = user
                councillor.save(update_fields=["user"])
        posts = OfficerPost.objects.filter(user=user)
        if spec.department:
            post, _ = OfficerPost.objects.update_or_create(
                user=user,
                department=borough.departments[spec.department],
                defaults={
                    "job_title": spec.job_title,
                    "starts_on": datetime.date(2023, 4, 3),
                    "ends_on": None,
                },
            )
            posts = posts.exclude(pk=post.pk)
        posts.delete()
        if spec.totp:
            _ensure_demo_totp(user)
        else:
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    _verify_emails(list(borough.accounts.values()))
    borough.counts["demo sign-ins"] = len(borough.accounts)


def councillor_account(borough: Borough, councillor: Councillor) -> User:
    """The sign-in of a demo councillor who supports initiatives, made (or repaired) as the
    published ones are: the demo password, a fixed join date and the demo TOTP their role needs.
    A councillor with one of the published sign-ins (the demo councillor) keeps it."""
    email = f"{councillor.slug}@{COUNCILLOR_DOMAIN}"
    if councillor.user is not None and councillor.user.email != email:
        return councillor.user
    user = User.objects.filter(email=email).first() or User(email=email)
    user.display_name = councillor.name
    user.postcode = ""
    user.ward = None
    user.is_staff = user.is_superuser = user.is_moderator = user.is_editor = False
    user.is_active = True
    user.anonymised_at = None
    user.date_joined = datetime.datetime(2024, 5, 20, 9, 0, tzinfo=datetime.UTC)
    user.password = borough.password_hash
    user.save()
    if councillor.user_id != user.pk:
        councillor.user = user
        councillor.save(update_fields=["user"])
    _ensure_demo_totp(user)
    _verify_emails([user])
    return user


def _ensure_demo_totp(user: User) -> None:
    secret = demo_totp_secret(user.email)
    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current is not None and decrypt(current.data["secret"]) == secret:
        return
    if current is not None:
        current.delete()
    TOTP.activate(user, secret)


def _verify_emails(users: Sequence[User]) -> None:
    """Each user's own address, verified and primary, as after a completed sign-up."""
    by_id = {user.pk: user for user in users}
    have = set(
        EmailAddress.objects.filter(user__in=by_id, verified=True, primary=True).values_list(
            "user_id", "email"
        )
    )
    missing = [user for user in users if (user.pk, user.email) not in have]
    if not missing:
        return
    EmailAddress.objects.filter(user__in=[u.pk for u in missing]).delete()
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in missing],
        batch_size=500,
    )


def _demo_password_hash() -> str:
    """Reuse the hash already on the demo sign-ins when it still fits, so reruns change nothing."""
    hasher = get_hasher()
    emails = [SIGN_IN_EMAILS["resident"], f"resident001@{RESIDENT_DOMAIN}"]
    for encoded in User.objects.filter(email__in=emails).values_list("password", flat=True):
        try:
            current = identify_hasher(encoded)
        except ValueError:
            continue
        if (
            current.algorithm == hasher.algorithm
            and not current.must_update(encoded)
            and check_password(DEMO_PASSWORD, encoded)
        ):
            return encoded
    return make_password(DEMO_PASSWORD)


def _codes(wards: Iterable[Ward]) -> str:
    return ", ".join(sorted(ward.gss_code for ward in wards))
