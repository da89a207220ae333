"""A small world for support tests: one ward, an initiative and every role around it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from grassroots.accounts.models import Department, User
from grassroots.accounts.tests.factories import (
    DepartmentFactory,
    OfficerPostFactory,
    UserFactory,
    make_site_admin,
)
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Councillor, Ward
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory
from grassroots.support.models import (
    AdvocacyCase,
    HelpRequest,
    Invitation,
    Support,
    SupportKind,
    SupportStatus,
)
from grassroots.testing.people import with_totp

ROLES = [
    "anonymous",
    "resident",
    "lead",
    "member",
    "other lead",
    "ward councillor",
    "ward councillor without MFA",
    "other councillor",
    "invited councillor",
    "officer",
    "other officer",
    "site admin",
]


def councillor_user(ward: Ward, *, totp: bool = True, name: str | None = None) -> User:
    user = UserFactory()
    extra = {"councillor__name": name} if name else {}
    CouncillorTermFactory(councillor__user=user, ward=ward, **extra)
    return with_totp(user) if totp else user


@dataclass
class World:
    ward: Ward
    other_ward: Ward
    initiative: Initiative
    other_initiative: Initiative
    department: Department
    other_department: Department
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.users[role]

    def councillor(self, role: str = "ward councillor") -> Councillor:
        return Councillor.objects.get(user=self.users[role])

    @property
    def lead(self) -> User:
        user: User = self.users["lead"]
        return user

    def support(
        self,
        *,
        status: str = SupportStatus.OFFERED,
        kind: str = SupportKind.FACILITATE,
        role: str = "ward councillor",
        initiative: Initiative | None = None,
        **extra: Any,
    ) -> Support:
        return Support.objects.create(
            initiative=initiative or self.initiative,
            councillor=self.councillor(role),
            kind=kind,
            description="Host a meeting at the library",
            status=status,
            **extra,
        )

    def help_request(self, **extra: Any) -> HelpRequest:
        values: dict[str, Any] = {
            "initiative": self.initiative,
            "kind": SupportKind.CONNECT,
            "message": "Who looks after the park?",
            "requested_by": self.lead,
        }
        values.update(extra)
        return HelpRequest.objects.create(**values)

    def case(self, **extra: Any) -> AdvocacyCase:
        support = self.support(status=SupportStatus.PLANNED, kind=SupportKind.ADVOCATE)
        values: dict[str, Any] = {
            "support": support,
            "department": self.department,
            "ask": "Fix the park gate",
            "evidence": "Photos of the broken gate",
            "outcome_wanted": "A working gate",
            "wanted_by": timezone.localdate() + datetime.timedelta(days=30),
        }
        values.update(extra)
        return AdvocacyCase.objects.create(**values)


def build_world() -> World:
    ward = WardFactory(name="Riverside")
    other_ward = WardFactory(name="Hilltop", council=ward.council)
    initiative = InitiativeFactory(title="Riverside garden", wards=[ward])
    other_initiative = InitiativeFactory(title="Hilltop choir", wards=[other_ward])
    department = DepartmentFactory(
        council=ward.council, name="Parks", email="parks@council.example"
    )
    other_department = DepartmentFactory(council=ward.council, name="Housing")
    world = World(ward, other_ward, initiative, other_initiative, department, other_department)
    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(),
        "lead": initiative.created_by,
        "member": MembershipFactory(initiative=initiative).user,
        "other lead": other_initiative.created_by,
        "ward councillor": councillor_user(ward),
        "ward councillor without MFA": councillor_user(ward, totp=False),
        "other councillor": councillor_user(other_ward),
        "invited councillor": councillor_user(other_ward),
        "officer": with_totp(OfficerPostFactory(department=department).user),
        "other officer": with_totp(OfficerPostFactory(department=other_department).user),
        "site admin": with_totp(make_site_admin()),
    }
    world.users = users
    Invitation.objects.create(
        initiative=initiative,
        councillor=Councillor.objects.get(user=users["invited councillor"]),
        invited_by=initiative.created_by,
    )
    return world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def post_as(client: Any, world: World, role: str, url: str, data: dict[str, Any]) -> Any:
    """POST as `role` (anonymous: not signed in); never a server error."""
    user = world.user(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.post(url, data)
    assert response.status_code < 500
    return response


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]
