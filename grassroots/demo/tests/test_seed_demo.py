"""`manage.py seed_demo`: the fictional borough is complete, consistent, repeatable and safe."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections import Counter
from io import StringIO
from typing import Any
from unittest import mock

import pytest
import shapely
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import hashers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from shapely.geometry import Point, Polygon, shape
from shapely.ops import unary_union

from grassroots.accounts.models import Department, OfficerPost, User
from grassroots.accounts.selectors import user_roles
from grassroots.conversations.models import Conversation
from grassroots.demo.borough import (
    ACCOUNT_DOMAIN,
    COUNCIL_GSS,
    DEMO_PASSWORD,
    PUBLIC_DOMAIN,
    RESIDENT_COUNT,
    RESIDENT_DOMAIN,
    SIGN_IN_EMAILS,
    TOTP_ROLES,
    Borough,
    DemoDataset,
    build_dataset,
    dataset_digest,
    demo_totp_code,
    demo_totp_secret,
    geometry_checksum,
)
from grassroots.demo.funding import wipe_funding
from grassroots.demo.initiatives import demo_initiatives
from grassroots.demo.seed import seed_demo
from grassroots.directory.models_assets import Asset
from grassroots.events.models import Event, Venue
from grassroots.groups.models import Group
from grassroots.learning.models_cases import CaseStudy
from grassroots.opinions.models import OpinionMap
from grassroots.places import geometry
from grassroots.places.models import Council, Councillor, CouncillorTerm, Postcode, Ward
from grassroots.places.selectors import LookupProblem, ward_for_point, ward_for_postcode
from grassroots.places.tests.factories import (
    CouncilFactory,
    CouncillorTermFactory,
    PostcodeFactory,
    WardFactory,
)
from grassroots.priorities.models import Exercise

DEMO_USERS = {"email__endswith": ACCOUNT_DOMAIN}


@pytest.fixture(autouse=True)
def _debug_on(settings: Any) -> None:
    # The commands run only on development sites; Django's test runner turns DEBUG off.
    settings.DEBUG = True


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    return build_dataset()


# --- The generated dataset, before it touches the database. ------------------------------------


def test_building_twice_gives_equal_datasets(dataset: DemoDataset) -> None:
    again = build_dataset()
    assert again == dataset
    assert dataset_digest(again) == dataset_digest(dataset)
    assert build_dataset("another seed") != dataset


def test_a_separate_process_builds_the_same_dataset(dataset: DemoDataset) -> None:
    script = (
        "import django; django.setup(); "
        "from grassroots.demo.borough import build_dataset, dataset_digest; "
        "print(dataset_digest(build_dataset()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "grassroots.settings", "PYTHONHASHSEED": "12345"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == dataset_digest(dataset)


def test_the_wards_tessellate_the_borough(dataset: DemoDataset) -> None:
    assert len(dataset.wards) == 12
    shapes = [shape(ward.geometry) for ward in dataset.wards]
    for ward, polygon in zip(dataset.wards, shapes, strict=True):
        assert isinstance(polygon, Polygon), ward.name
        assert polygon.is_valid, ward.name
        assert polygon.exterior.is_ccw, ward.name  # GeoJSON's right-hand rule
    assert shapely.coverage_is_valid(shapely.GeometryCollection(shapes))
    for a, b in itertools.combinations(shapes, 2):
        assert a.intersection(b).area < 1e-12
    outline = shape(dataset.outline)
    union = unary_union(shapes)
    assert isinstance(union, Polygon)
    assert not union.interiors
    assert union.symmetric_difference(outline).area < 1e-12
    # Somewhere in the East Midlands, about 9 km by 6 km: a borough-sized place.
    min_lon, min_lat, max_lon, max_lat = outline.bounds
    assert -1.2 < min_lon < max_lon < -1.0
    assert 52.15 < min_lat < max_lat < 52.25


def test_the_codes_cannot_be_real(dataset: DemoDataset) -> None:
    assert COUNCIL_GSS == "E06999999"
    assert [ward.gss_code for ward in dataset.wards] == [f"E05999{901 + n}" for n in range(12)]
    assert len({ward.slug for ward in dataset.wards}) == 12
    # No UK postcode area is "GR".
    assert all(p.postcode.startswith("GR") for p in dataset.postcodes)
    assert all(p.postcode[2].isdigit() for p in dataset.postcodes)


def test_each_ward_has_20_to_40_live_postcodes_inside_it(dataset: DemoDataset) -> None:
    live = Counter(p.ward_code for p in dataset.postcodes if p.terminated_on is None)
    assert set(live) == {ward.gss_code for ward in dataset.wards}
    assert all(20 <= count <= 40 for count in live.values())
    terminated = [p for p in dataset.postcodes if p.terminated_on is not None]
    assert 2 <= len(terminated) <= 5
    by_code = {ward.gss_code: shape(ward.geometry) for ward in dataset.wards}
    for postcode in dataset.postcodes:
        point = Point(postcode.longitude, postcode.latitude)
        assert by_code[postcode.ward_code].contains(point), postcode.postcode
    assert len({p.postcode for p in dataset.postcodes}) == len(dataset.postcodes)


def test_demo_postcodes_never_clash_with_factory_postcodes() -> None:
    made = {PostcodeFactory.build().postcode for _ in range(2000)}
    assert not made & {p.postcode for p in build_dataset().postcodes}


# --- What seed_demo writes. ----------------------------------------------------------------------


@pytest.mark.demo_seed
def test_the_borough_has_twelve_current_wards_with_their_boxes(seeded: Borough) -> None:
    council = Council.objects.get(gss_code=COUNCIL_GSS)
    assert council.name == "Brookmere Borough Council"
    wards = list(council.wards.current())
    assert len(wards) == 12
    for ward in wards:
        assert ward.geometry is not None
        assert (ward.min_lon, ward.min_lat, ward.max_lon, ward.max_lat) == geometry.bbox_of(
            ward.geometry
        )
    union = unary_union([shape(ward.geometry) for ward in wards if ward.geometry])
    assert union.symmetric_difference(shape(seeded.dataset.outline)).area < 1e-12


@pytest.mark.demo_seed
def test_every_demo_postcode_resolves_to_the_ward_that_contains_it(seeded: Borough) -> None:
    rows = list(Postcode.objects.filter(council_code=COUNCIL_GSS))
    assert len(rows) == len(seeded.dataset.postcodes)
    for row in rows:
        assert row.latitude is not None
        assert row.longitude is not None
        result = ward_for_postcode(row.postcode.replace(" ", "").lower())
        if row.terminated_on is not None:
            assert result.problem is LookupProblem.TERMINATED
            assert result.ward is None
            continue
        assert result.problem is None, row.postcode
        assert result.ward is not None
        assert result.ward.gss_code == row.ward_code
        assert result.ward.council.gss_code == COUNCIL_GSS
        assert result.ward.geometry is not None
        assert geometry.contains(result.ward.geometry, row.longitude, row.latitude)
        # The point lies in no other ward, so the point look-up agrees.
        point_ward = ward_for_point(lon=row.longitude, lat=row.latitude)
        assert point_ward is not None
        assert point_ward.pk == result.ward.pk


@pytest.mark.demo_seed
def test_each_ward_has_two_or_three_councillors_in_office(seeded: Borough) -> None:
    terms = CouncillorTerm.objects.current().filter(ward__council__gss_code=COUNCIL_GSS)
    per_ward = Counter(terms.values_list("ward__gss_code", flat=True))
    assert set(per_ward) == set(seeded.wards)
    assert all(count in (2, 3) for count in per_ward.values())
    assert 27 <= sum(per_ward.values()) <= 33
    councillors = Councillor.objects.filter(terms__in=terms).distinct()
    assert "Independent" in {c.party for c in councillors}
    assert all(c.email.endswith("@brookmere.example") for c in councillors)
    assert all(c.biography for c in councillors)
    # Some history too: former councillors and earlier terms.
    assert CouncillorTerm.objects.filter(ward__council__gss_code=COUNCIL_GSS).exclude(pk__in=terms)


@pytest.mark.demo_seed
def test_departments_residents_and_roles(seeded: Borough) -> None:
    names = set(Department.objects.filter(council=seeded.council).values_list("name", flat=True))
    assert {"Parks and Green Spaces", "Community Safety"} <= names
    residents = User.objects.filter(email__endswith=f"@{RESIDENT_DOMAIN}")
    assert residents.count() == RESIDENT_COUNT
    assert not residents.filter(display_name="").exists()
    assert not residents.filter(ward__isnull=True).exists()
    # A resident's ward is the one their postcode is in.
    postcodes = dict(
        Postcode.objects.filter(council_code=COUNCIL_GSS).values_list("postcode", "ward_code")
    )
    for email, postcode, ward_code in residents.values_list("email", "postcode", "ward__gss_code"):
        assert postcodes[postcode] == ward_code, email
    assert EmailAddress.objects.filter(user__in=residents, verified=True, primary=True).count() == (
        RESIDENT_COUNT
    )

    accounts = {role: User.objects.get(email=email) for role, email in SIGN_IN_EMAILS.items()}
    assert accounts["resident"].postcode
    assert accounts["resident"].ward is not None
    roles = {role: user_roles(user) for role, user in accounts.items()}
    assert roles["councillor"].councillor
    assert roles["officer"].officer
    assert roles["site admin"].site_admin
    assert roles["moderator"].moderator
    for role, found in roles.items():
        assert found.mfa_satisfied, role
        assert found.has_totp == (role in TOTP_ROLES), role
    assert not roles["resident"].needs_mfa
    # The demo councillor represents the demo resident's ward.
    councillor = Councillor.objects.get(user=accounts["councillor"])
    assert councillor.terms.current().filter(ward=accounts["resident"].ward).exists()
    assert OfficerPost.objects.current().get(user=accounts["officer"]).department.name == (
        "Parks and Green Spaces"
    )


# --- Signing in as the demo accounts. -----------------------------------------------------------


def _sign_in(client: Client, email: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_the_demo_resident_signs_in_with_the_password(client: Client) -> None:
    response = _sign_in(client, SIGN_IN_EMAILS["resident"])
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.get(reverse("home")).status_code == 200
    assert client.session["_auth_user_id"] == str(
        User.objects.get(email=SIGN_IN_EMAILS["resident"]).pk
    )


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("role", ["councillor", "officer", "site admin"])
def test_role_holders_sign_in_with_password_and_demo_code(client: Client, role: str) -> None:
    email = SIGN_IN_EMAILS[role]
    # Freeze the clock mid-period, so the code cannot roll over between printing and use.
    moment = (int(time.time()) // 30) * 30 + 5.0
    with mock.patch("time.time", return_value=moment):
        response = _sign_in(client, email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        code = demo_totp_code(email).code
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content
    user = User.objects.get(email=email)
    assert client.session["_auth_user_id"] == str(user.pk)
    # The MFA middleware lets them through to the site.
    assert client.get(reverse("home")).status_code == 200
    roles = user_roles(user)
    assert roles.needs_mfa
    assert roles.has_totp
    assert roles.councillor == (role == "councillor")


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_a_generated_resident_can_sign_in(client: Client) -> None:
    assert client.login(email=f"resident042@{RESIDENT_DOMAIN}", password=DEMO_PASSWORD)


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every demo row, by primary key: what a second run must leave exactly as it was."""
    council = Council.objects.filter(gss_code=COUNCIL_GSS)
    users = User.objects.filter(**DEMO_USERS)
    return {
        "council": list(council.values_list()),
        "wards": list(Ward.objects.filter(council__in=council).order_by("pk").values_list()),
        "postcodes": list(
            Postcode.objects.filter(council_code=COUNCIL_GSS).order_by("pk").values_list()
        ),
        "councillors": list(
            Councillor.objects.filter(email__endswith=PUBLIC_DOMAIN).order_by("pk").values_list()
        ),
        "terms": list(
            CouncillorTerm.objects.filter(ward__council__in=council).order_by("pk").values_list()
        ),
        "departments": list(
            Department.objects.filter(council__in=council).order_by("pk").values_list()
        ),
        "officers": list(OfficerPost.objects.filter(user__in=users).order_by("pk").values_list()),
        "users": list(users.order_by("pk").values_list()),
        "emails": list(EmailAddress.objects.filter(user__in=users).order_by("pk").values_list()),
        "authenticators": list(
            Authenticator.objects.filter(user__in=users).order_by("pk").values_list()
        ),
    }


def _natural_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """The demo rows without database ids, to compare separate builds."""
    council = Council.objects.filter(gss_code=COUNCIL_GSS)
    users = User.objects.filter(**DEMO_USERS)
    return {
        "council": list(council.values_list("gss_code", "name", "slug", "kind", "website")),
        "wards": sorted(
            Ward.objects.filter(council__in=council).values_list(
                "gss_code", "name", "slug", "geometry", "min_lon", "max_lat", "retired_at"
            )
        ),
        "postcodes": sorted(
            Postcode.objects.filter(council_code=COUNCIL_GSS).values_list(
                "postcode", "ward_code", "latitude", "longitude", "terminated_on"
            )
        ),
        "councillors": sorted(
            Councillor.objects.filter(email__endswith=PUBLIC_DOMAIN).values_list(
                "slug", "name", "party", "email", "phone", "biography", "user__email"
            ),
            key=str,
        ),
        "terms": sorted(
            CouncillorTerm.objects.filter(ward__council__in=council).values_list(
                "councillor__slug", "ward__gss_code", "starts_on", "ends_on"
            ),
            key=str,
        ),
        "users": sorted(
            users.values_list(
                "email",
                "display_name",
                "postcode",
                "ward__gss_code",
                "is_staff",
                "is_superuser",
                "is_moderator",
                "date_joined",
            )
        ),
        "roles": sorted(
            OfficerPost.objects.filter(user__in=users).values_list(
                "user__email", "department__name", "job_title", "starts_on"
            )
        ),
        "emails": sorted(
            EmailAddress.objects.filter(user__in=users).values_list(
                "user__email", "email", "verified", "primary"
            )
        ),
        "totp": sorted(
            Authenticator.objects.filter(user__in=users).values_list("user__email", "type", "data")
        ),
    }


def _wipe_demo() -> None:
    council = Council.objects.filter(gss_code=COUNCIL_GSS)
    # Case studies keep their council (PROTECT).
    CaseStudy.objects.filter(council__in=council).delete()
    # Funds keep their partnerships, groups, applicants and people (PROTECT): they go first.
    for each in council:
        wipe_funding(each)
    demo_initiatives().delete()
    User.objects.filter(**DEMO_USERS).delete()
    CouncillorTerm.objects.filter(ward__council__in=council).delete()
    Councillor.objects.filter(email__endswith=PUBLIC_DOMAIN).delete()
    Department.objects.filter(council__in=council).delete()
    Postcode.objects.filter(council_code=COUNCIL_GSS).delete()
    # Conversations hosted by a ward keep it (PROTECT): they go first.
    Conversation.objects.filter(ward__council__in=council).delete()
    # So do events hosted by a ward, and venues keep their council and their events.
    Event.objects.filter(Q(ward__council__in=council) | Q(venue__council__in=council)).delete()
    Venue.objects.filter(council__in=council).delete()
    # Priority exercises keep their group, wards and council (PROTECT).
    Exercise.objects.filter(council__in=council).delete()
    # So do opinion maps hosted by a ward.
    OpinionMap.objects.filter(ward__council__in=council).delete()
    # Groups keep their council (PROTECT); their conversations and events go with them.
    Group.objects.filter(council__in=council).delete()
    # Places that matter keep their council (PROTECT).
    Asset.objects.filter(council__in=council).delete()
    Ward.objects.filter(council__in=council).delete()
    council.delete()


def _ward_geometry_checksum() -> str:
    wards = Ward.objects.filter(council__gss_code=COUNCIL_GSS).order_by("gss_code")
    return geometry_checksum(ward.geometry for ward in wards if ward.geometry)


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_running_twice_changes_nothing() -> None:
    # The first run is the seeded borough; the second, the command on top of it.
    before = _snapshot()
    checksum = _ward_geometry_checksum()
    call_command("seed_demo", verbosity=0)
    after = _snapshot()
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    assert after == before
    assert _ward_geometry_checksum() == checksum


@pytest.mark.demo_seed
@pytest.mark.usefixtures("seeded")
def test_two_builds_on_empty_databases_are_identical() -> None:
    # The first build is the seeded borough, built on an empty database.
    first = _natural_snapshot()
    _wipe_demo()
    assert not Council.objects.exists()
    assert not User.objects.exists()
    seed_demo()
    assert _natural_snapshot() == first


@pytest.mark.demo_seed
@pytest.mark.django_db
def test_a_rerun_repairs_what_people_changed(seeded: Borough) -> None:
    borough = seeded
    before = _natural_snapshot()
    ward = next(iter(borough.wards.values()))
    Ward.objects.filter(pk=ward.pk).update(name="Renamed", geometry=None)
    Postcode.objects.filter(council_code=COUNCIL_GSS).order_by("postcode")[0].delete()
    resident = User.objects.get(email=SIGN_IN_EMAILS["resident"])
    resident.set_password("something else entirely")
    resident.display_name = "Changed"
    resident.save()
    councillor = User.objects.get(email=SIGN_IN_EMAILS["councillor"])
    Authenticator.objects.filter(user=councillor).delete()
    Councillor.objects.filter(user=councillor).update(user=None)
    User.objects.filter(email=SIGN_IN_EMAILS["moderator"]).update(is_moderator=False)

    seed_demo()
    assert _natural_snapshot() == before
    assert Client().login(email=SIGN_IN_EMAILS["resident"], password=DEMO_PASSWORD)


@pytest.mark.demo_seed
@pytest.mark.django_db
def test_it_leaves_other_councils_alone() -> None:
    other_term = CouncillorTermFactory()
    other_ward = other_term.ward
    other_postcode = PostcodeFactory(ward_code=other_ward.gss_code)
    stranger = User.objects.create_user("someone@example.org", "a long password 123")
    before = (
        list(Council.objects.values_list()),
        list(Ward.objects.values_list()),
        list(Postcode.objects.values_list()),
        list(Councillor.objects.values_list()),
        list(CouncillorTerm.objects.values_list()),
        list(User.objects.values_list()),
    )
    seed_demo()
    seed_demo()
    assert list(Council.objects.exclude(gss_code=COUNCIL_GSS).values_list()) == before[0]
    assert list(Ward.objects.exclude(council__gss_code=COUNCIL_GSS).values_list()) == before[1]
    assert list(Postcode.objects.exclude(council_code=COUNCIL_GSS).values_list()) == before[2]
    assert (
        list(Councillor.objects.exclude(email__endswith=PUBLIC_DOMAIN).values_list()) == before[3]
    )
    assert (
        list(CouncillorTerm.objects.exclude(ward__council__gss_code=COUNCIL_GSS).values_list())
        == before[4]
    )
    assert list(User.objects.exclude(**DEMO_USERS).values_list()) == before[5]
    assert ward_for_postcode(other_postcode.postcode).ward == other_ward
    assert stranger.pk in User.objects.values_list("pk", flat=True)


@pytest.mark.django_db
def test_it_refuses_to_take_over_another_councils_codes() -> None:
    council = CouncilFactory(gss_code="E06000001")
    WardFactory(council=council, gss_code="E05999905")
    with pytest.raises(CommandError, match="E05999905"):
        call_command("seed_demo", verbosity=0)
    assert not Council.objects.filter(gss_code=COUNCIL_GSS).exists()
    assert not User.objects.filter(**DEMO_USERS).exists()


@pytest.mark.demo_seed
@pytest.mark.django_db
def test_it_refuses_without_force_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert not Council.objects.exists()
    assert not User.objects.exists()
    call_command("seed_demo", force=True, verbosity=0)
    assert Council.objects.filter(gss_code=COUNCIL_GSS).exists()


@pytest.mark.demo_seed
@pytest.mark.django_db
def test_it_prints_the_demo_sign_ins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "Brookmere Borough Council" in text
    assert DEMO_PASSWORD in text
    for email in SIGN_IN_EMAILS.values():
        assert email in text
    for role in TOTP_ROLES:
        assert demo_totp_secret(SIGN_IN_EMAILS[role]) in text
    assert "demo_totp" in text
    resident = User.objects.get(email=SIGN_IN_EMAILS["resident"])
    assert resident.postcode in text


@pytest.mark.demo_seed
def test_the_password_is_hashed_once(db: None) -> None:
    with mock.patch(
        "grassroots.demo.borough.make_password", wraps=hashers.make_password
    ) as hashing:
        seed_demo()
    assert hashing.call_count == 1
    hashes = set(User.objects.filter(**DEMO_USERS).values_list("password", flat=True))
    assert len(hashes) == 1
