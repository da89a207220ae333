"""A small place for opinion-map tests: a council with two wards in a group's area and one
outside, the people around them, and maps started through the services."""

from __future__ import annotations

from dataclasses import dataclass

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import DepartmentFactory
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.opinions import services
from grassroots.opinions.models import Audience, OpinionMap, Statement
from grassroots.places.models import Council, Ward
from grassroots.places.tests.factories import CouncilFactory, WardFactory
from grassroots.testing.people import (
    make_councillor,
    make_moderator,
    make_officer,
    make_resident,
    make_site_admin,
)


@dataclass
class Place:
    council: Council
    ward_a: Ward
    ward_b: Ward
    ward_c: Ward
    group: Group
    organiser: User
    resident: User
    resident_b: User
    outsider: User
    councillor: User
    other_councillor: User
    officer: User
    other_officer: User
    moderator: User
    site_admin: User


def build_place() -> Place:
    council = CouncilFactory()
    ward_a, ward_b, ward_c = (
        WardFactory(council=council, name=n) for n in ("Ash", "Birch", "Cedar")
    )
    organiser = make_resident(ward=ward_a, name="Olive Organiser")
    group = GroupFactory(council=council, created_by=organiser, name="Riverside Residents")
    group.wards.set([ward_a, ward_b])
    return Place(
        council=council,
        ward_a=ward_a,
        ward_b=ward_b,
        ward_c=ward_c,
        group=group,
        organiser=organiser,
        resident=make_resident(ward=ward_a, name="Rita Resident"),
        resident_b=make_resident(ward=ward_b, name="Bob Birch"),
        outsider=make_resident(ward=ward_c, name="Otto Outsider"),
        councillor=make_councillor(ward_a, name="Alex Ash"),
        other_councillor=make_councillor(ward_c, name="Cara Cedar"),
        officer=make_officer(DepartmentFactory(council=council)),
        other_officer=make_officer(),
        moderator=make_moderator(name="Mo Moderator"),
        site_admin=make_site_admin(),
    )


def start_map(
    place: Place,
    *,
    on_ward: bool = False,
    audience: str = Audience.EVERYONE,
    allow_statements: bool = True,
    seeds: tuple[str, ...] = ("More buses", "Fewer cars", "A new library"),
) -> OpinionMap:
    return services.map_create(
        actor=place.councillor if on_ward else place.organiser,
        host=place.ward_a if on_ward else place.group,
        question="How should we travel around Riverside?",
        audience=audience,
        allow_statements=allow_statements,
        seeds=seeds,
    )


def statements(opinion_map: OpinionMap) -> list[Statement]:
    return list(Statement.objects.filter(map=opinion_map).order_by("id"))
