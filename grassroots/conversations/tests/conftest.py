"""A small world for conversation tests: a ward, an initiative and a group, with every role.

Each host has a conversation; "author" and "other author" have replied in each. The hosts:
"host" leads the initiative, organises the group and started the ward conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import (
    DepartmentFactory,
    OfficerPostFactory,
    UserFactory,
    make_site_admin,
)
from grassroots.conversations import services
from grassroots.conversations.models import Audience, Conversation, Post
from grassroots.groups.models import Group, GroupMembership, GroupRole
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory
from grassroots.testing.people import with_totp

ROLES = [
    "anonymous",
    "outsider",  # a resident of another ward
    "resident",  # a resident of the host's ward
    "member",  # of the initiative and the group (no ward given)
    "host",
    "author",
    "other author",
    "ward councillor",
    "other councillor",
    "officer",
    "moderator",
    "site admin",
]
HOSTS = ["ward", "initiative", "group"]


def councillor_user(ward: Ward, *, name: str | None = None) -> User:
    user = UserFactory()
    extra = {"councillor__name": name} if name else {}
    CouncillorTermFactory(councillor__user=user, ward=ward, **extra)
    return with_totp(user)


@dataclass
class World:
    ward: Ward
    other_ward: Ward
    initiative: Initiative
    group: Group
    conversations: dict[str, Conversation] = field(default_factory=dict)
    posts: dict[tuple[str, str], Post] = field(default_factory=dict)  # (host, role) → reply
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.users[role]

    def conversation(self, host: str) -> Conversation:
        return Conversation.objects.get(pk=self.conversations[host].pk)

    def post(self, host: str, role: str = "author") -> Post:
        return Post.objects.get(pk=self.posts[(host, role)].pk)

    def set_audience(self, audience: str) -> None:
        Conversation.objects.filter(pk__in=[c.pk for c in self.conversations.values()]).update(
            audience=audience
        )


def build_world() -> World:
    ward = WardFactory(name="Riverside")
    other_ward = WardFactory(name="Hilltop", council=ward.council)
    host = UserFactory(display_name="Hana Host", ward=ward)
    initiative = InitiativeFactory(title="Riverside garden", wards=[ward], created_by=host)
    group = GroupFactory(name="Friends of Riverside park", council=ward.council, created_by=host)
    group.wards.set([ward])
    department = DepartmentFactory(council=ward.council, name="Parks")
    member = UserFactory(display_name="Mo Member")
    MembershipFactory(initiative=initiative, user=member)
    GroupMembershipFactory(group=group, user=member)
    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(display_name="Olu Outsider", ward=other_ward),
        "resident": UserFactory(display_name="Rae Resident", ward=ward),
        "member": member,
        "host": host,
        "author": UserFactory(display_name="Ada Author", ward=ward),
        "other author": UserFactory(display_name="Otto Other", ward=ward),
        "ward councillor": councillor_user(ward, name="Cllr Rivers"),
        "other councillor": councillor_user(other_ward, name="Cllr Hill"),
        "officer": with_totp(OfficerPostFactory(department=department).user),
        "moderator": UserFactory(display_name="Meg Moderator", is_moderator=True),
        "site admin": with_totp(make_site_admin()),
    }
    world = World(ward, other_ward, initiative, group, users=users)
    for kind, target in (("ward", ward), ("initiative", initiative), ("group", group)):
        conversation = services.conversation_start(
            actor=host, **{kind: target}, question=f"What next for the {kind}?"
        )
        world.conversations[kind] = conversation
        for role in ("author", "other author"):
            world.posts[(kind, role)] = services.post_create(
                actor=users[role], conversation=conversation, body=f"{role} says hello"
            )
    return world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def login(client: Any, user: Any) -> None:
    if user.is_authenticated:
        client.force_login(user)


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


__all__ = [
    "HOSTS",
    "ROLES",
    "Audience",
    "GroupMembership",
    "GroupRole",
    "World",
    "build_world",
    "error_summary",
    "login",
]
