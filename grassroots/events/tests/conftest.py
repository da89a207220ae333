"""A small world for events tests: a ward, hosts of every kind, their events and every role.

Roles (see ROLES): a resident, a resident going to each event, the organiser of another group,
the group's organiser, the initiative's lead, a councillor for the ward, a councillor for
another ward, the councillor holding the surgery (for a third ward), an officer, a moderator
and a site admin. Councillors, officers and site admins have TOTP set up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import (
    OfficerPostFactory,
    UserFactory,
    make_moderator,
    make_site_admin,
)
from grassroots.events import services
from grassroots.events.models import Event, EventKind, Venue
from grassroots.events.tests.factories import EventFactory, VenueFactory
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.places.models import Councillor, Ward
from grassroots.places.tests.factories import CouncillorTermFactory, WardFactory
from grassroots.testing.people import with_totp

ROLES = [
    "anonymous",
    "resident",
    "going resident",
    "host of another group",
    "group organiser",
    "initiative lead",
    "ward councillor",
    "councillor of another ward",
    "surgery's councillor",
    "officer",
    "moderator",
    "site admin",
]
SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def councillor_user(ward: Ward, *, name: str) -> User:
    user = UserFactory(display_name=name)
    CouncillorTermFactory(councillor__user=user, councillor__name=name, ward=ward)
    return with_totp(user)


@dataclass
class World:
    ward: Ward
    other_ward: Ward
    group: Group
    other_group: Group
    initiative: Initiative
    venue: Venue
    users: dict[str, Any] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.users[role]

    @property
    def surgery_councillor(self) -> Councillor:
        return Councillor.objects.get(user=self.users["surgery's councillor"])

    def host(self, kind: str) -> Any:
        return {
            "group": self.group,
            "initiative": self.initiative,
            "ward": self.ward,
            "surgery": self.surgery_councillor,
        }[kind]


# Who hosts each kind of event in the world.
HOST_ROLE = {
    "group": "group organiser",
    "initiative": "initiative lead",
    "ward": "ward councillor",
    "surgery": "surgery's councillor",
}


def make_event(host: Any, **extra: Any) -> Event:
    """An event hosted by `host` (a Group, Initiative, Ward or Councillor)."""
    kwargs: dict[str, Any] = {"group": None}
    if isinstance(host, Group):
        kwargs["group"] = host
    elif isinstance(host, Initiative):
        kwargs["initiative"] = host
    elif isinstance(host, Ward):
        kwargs["ward"] = host
    else:
        kwargs["councillor"] = host
        kwargs["kind"] = EventKind.SURGERY
    kwargs.update(extra)
    return EventFactory(**kwargs)


def build_world() -> World:
    ward = WardFactory(name="Riverside")
    other_ward = WardFactory(name="Hilltop", council=ward.council)
    third_ward = WardFactory(name="Castle", council=ward.council)
    group = GroupFactory(name="Friends of Riverside Park", council=ward.council)
    group.wards.add(ward)
    other_group = GroupFactory(name="Hilltop choir", council=ward.council)
    initiative = InitiativeFactory(title="Riverside garden", wards=[ward])
    venue = VenueFactory(name="Riverside library", council=ward.council, ward=ward, group=group)
    world = World(ward, other_ward, group, other_group, initiative, venue)
    world.users = {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(display_name="Rita Resident"),
        "going resident": UserFactory(display_name="Gina Going"),
        "host of another group": other_group.created_by,
        "group organiser": group.created_by,
        "initiative lead": initiative.created_by,
        "ward councillor": councillor_user(ward, name="Wendy Ward"),
        "councillor of another ward": councillor_user(other_ward, name="Otto Other"),
        "surgery's councillor": councillor_user(third_ward, name="Sam Surgery"),
        "officer": with_totp(OfficerPostFactory().user),
        "moderator": make_moderator(),
        "site admin": with_totp(make_site_admin()),
    }
    for kind in HOST_ROLE:
        event = make_event(world.host(kind), venue=venue, capacity=20)
        world.events[kind] = event
        services.rsvp_going(user=world.users["going resident"], event=event)
    return world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


def organiser_of(event: Event) -> Any:
    """The organiser who started the group hosting `event` (from EventFactory)."""
    assert event.group is not None
    return event.group.created_by
