"""A small world for invitation tests: one initiative, two pending invitations, every role.

Built through the services (as through the pages), so the tests exercise the real paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import Client

from grassroots.accounts.tests.factories import (
    UserFactory,
    make_councillor,
    make_moderator,
    make_officer,
    make_site_admin,
)
from grassroots.initiatives.models import Initiative, Membership, Visibility
from grassroots.initiatives.services import invitations
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import make_member
from grassroots.testing.people import with_totp

ROLES = [
    "anonymous",
    "resident",
    "lead of another initiative",
    "member",
    "lead",
    "invitee",
    "other invitee",
    "councillor of another ward",
    "ward councillor",
    "officer",
    "moderator",
    "site admin",
]
# Who is inside a safeguarded initiative: its members, and invitees while they decide.
INSIDERS = {"member", "lead", "invitee", "other invitee"}


@dataclass
class World:
    ward: Ward
    initiative: Initiative
    other_initiative: Initiative
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.users[role]

    @property
    def lead(self) -> Any:
        return self.users["lead"]

    @property
    def invitation(self) -> Membership:
        """The pending invitation of "invitee" (fresh from the database)."""
        return Membership.objects.get(initiative=self.initiative, user=self.users["invitee"])

    @property
    def other_invitation(self) -> Membership:
        return Membership.objects.get(initiative=self.initiative, user=self.users["other invitee"])

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user.is_authenticated:
            client.force_login(user)
        return client

    def url(self, suffix: str = "") -> str:
        return f"/initiatives/{self.initiative.slug}/{suffix}"


def invite(initiative: Initiative, user: Any, message: str = "") -> Membership:
    """The initiative's first lead invites `user`, as through the invite page."""
    return invitations.invitation_create(
        initiative=initiative, actor=initiative.created_by, invitee=user, message=message
    )


def build_world(visibility: str = Visibility.PUBLIC) -> World:
    ward = WardFactory(name="Riverside")
    other_ward = WardFactory(name="Hilltop", council=ward.council)
    initiative = InitiativeFactory(title="Riverside circle", wards=[ward], visibility=visibility)
    other_initiative = InitiativeFactory(title="Hilltop choir", wards=[other_ward])
    world = World(ward, initiative, other_initiative)
    world.users = {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(),
        "lead of another initiative": other_initiative.created_by,
        "member": make_member(initiative),
        "lead": initiative.created_by,
        "invitee": UserFactory(display_name="Sam Invitee"),
        "other invitee": UserFactory(display_name="Kit Invitee"),
        "councillor of another ward": with_totp(make_councillor(ward=other_ward)),
        "ward councillor": with_totp(make_councillor(ward=ward)),
        "officer": with_totp(make_officer()),
        "moderator": make_moderator(),
        "site admin": with_totp(make_site_admin()),
    }
    invite(initiative, world.users["invitee"], "Come and help us")
    invite(initiative, world.users["other invitee"])
    return world
