"""The people around a fund, for the tests of partnerships, funds and plans: the partnership's
chair, treasurer and a member, its group's organiser, another partnership's chair, residents,
councillors and officers with and without two-factor sign-in, site admins.

Built once per test module with `shared_world(build_world, name="world")`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import DepartmentFactory
from grassroots.accounts.types import Viewer
from grassroots.funding.models import MemberRole
from grassroots.funding.tests.factories import Area, make_area
from grassroots.testing.people import (
    make_councillor,
    make_officer,
    make_resident,
    make_site_admin,
)


@dataclass
class World:
    area: Area
    other: Area
    people: dict[str, Viewer]

    def user(self, name: str) -> Viewer:
        return self.people[name]

    def person(self, name: str) -> User:
        user = self.people[name]
        assert isinstance(user, User)
        return user


# Everybody a permission matrix asks about.
CAST = (
    "anonymous",
    "resident",
    "member",
    "treasurer",
    "chair",
    "organiser",
    "other chair",
    "councillor",
    "councillor without 2FA",
    "officer",
    "officer without 2FA",
    "officer elsewhere",
    "site admin",
    "site admin without 2FA",
)


def build_world() -> World:
    area = make_area(years=5, total_pence=10_000_000)  # £100,000 over 5 years
    other = make_area(years=3)
    ward = area.wards[0]
    department = DepartmentFactory(council=area.council)
    people: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "resident": make_resident(ward=ward, name="Rita Resident"),
        "member": area.member(MemberRole.MEMBER).user,
        "treasurer": area.treasurer,
        "chair": area.chair,
        "organiser": area.partnership.group.created_by,
        "other chair": other.chair,
        "councillor": make_councillor(ward, name="Cora Councillor"),
        "councillor without 2FA": make_councillor(ward, name="Nora Nofactor", totp=False),
        "officer": make_officer(department),
        "officer without 2FA": make_officer(DepartmentFactory(council=area.council), totp=False),
        "officer elsewhere": make_officer(),
        "site admin": make_site_admin(),
        "site admin without 2FA": make_site_admin(totp=False),
    }
    return World(area=area, other=other, people=people)


def only(*names: str) -> dict[str, bool]:
    return {name: name in names for name in CAST}


def matrix(world: World, perm: str, obj: Any) -> dict[str, bool]:
    return {name: world.user(name).has_perm(perm, obj) for name in CAST}
