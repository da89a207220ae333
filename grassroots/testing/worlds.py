"""One town for tests: a council, its wards, people in every role and the things they do.

`build_town()` makes the town through the services where a person would act (joining,
inviting, starting a conversation, replying, going to an event), as the demo does. Each app's
tests ask for the people they parametrize over (`roles=`, names from `TOWN_CAST`) and add what
only they need with a keyword option or one of the small `add_*` functions below.

The town, in short:

- the council of the "Riverside" ward, with "Hilltop" and "Castle", and a "Parks" and a
  "Housing" department;
- "Riverside garden", a public initiative for Riverside led by "lead"; a safeguarded one; and
  "Hilltop choir", an initiative for Hilltop;
- "Friends of Riverside park", a group for Riverside organised by "organiser" (by the lead,
  who is then also called "host", with `one_host=True`), another group, and a venue;
- on request: a conversation hosted by the ward, the initiative and the group, with replies
  (`conversations=True`); an event of each kind of host (`events=True`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from grassroots.accounts.models import Department, User
from grassroots.accounts.tests.factories import DepartmentFactory, UserFactory
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations import services as conversation_services
from grassroots.conversations.models import Conversation, ConversationAccess, Post
from grassroots.events import services as event_services
from grassroots.events.models import Event, EventKind, Venue
from grassroots.events.tests.factories import EventFactory, VenueFactory
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative, Membership, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.moderation.models import SafeguardingContact
from grassroots.places.models import Council, Councillor, Ward
from grassroots.places.tests.factories import WardFactory
from grassroots.support import services as support_services
from grassroots.support.models import (
    AdvocacyCase,
    HelpRequest,
    Support,
    SupportKind,
    SupportStatus,
)
from grassroots.testing.cast import (
    invite_to_initiative,
    make_group_member,
    make_member,
    pick_from,
)
from grassroots.testing.people import (
    make_councillor,
    make_moderator,
    make_officer,
    make_resident,
    make_site_admin,
    with_totp,
)

HOST_KINDS = ("ward", "initiative", "group")


@dataclass
class Town:
    council: Council
    ward: Ward
    other_ward: Ward
    third_ward: Ward
    initiative: Initiative
    safeguarded: Initiative
    other_initiative: Initiative
    group: Group
    other_group: Group
    department: Department
    other_department: Department
    venue: Venue
    users: dict[str, Viewer] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    posts: dict[tuple[str, str], Post] = field(default_factory=dict)  # (host, role) → reply
    events: dict[str, Event] = field(default_factory=dict)

    # --- People

    def user(self, role: str) -> Viewer:
        """Whoever plays `role` (AnonymousUser for "anonymous")."""
        return self.users[role]

    def person(self, role: str) -> Actor:
        """The signed-in person playing `role`."""
        user = self.users[role]
        assert isinstance(user, User), f"{role} is not signed in"
        return user

    @property
    def lead(self) -> Actor:
        user = self.initiative.created_by
        assert user is not None
        return user

    def councillor(self, role: str = "ward councillor") -> Councillor:
        return Councillor.objects.get(user=self.person(role))

    @property
    def surgery_councillor(self) -> Councillor:
        return self.councillor("surgery's councillor")

    def client(self, role: str) -> Client:
        """A test client signed in as `role` (not signed in for "anonymous")."""
        client = Client()
        user = self.users[role]
        if isinstance(user, User):
            client.force_login(user)
        return client

    # --- Things, fresh from the database

    def conversation(self, host: str = "ward") -> Conversation:
        return Conversation.objects.get(pk=self.conversations[host].pk)

    def post(self, host: str = "ward", role: str = "author") -> Post:
        return Post.objects.get(pk=self.posts[(host, role)].pk)

    def set_audience(self, audience: str) -> None:
        """Every conversation of the town speaks to `audience` (see conversations.Audience)."""
        Conversation.objects.filter(pk__in=[c.pk for c in self.conversations.values()]).update(
            audience=audience
        )

    def host(self, kind: str) -> Group | Initiative | Ward | Councillor:
        """The host of an event of `kind` ("group", "initiative", "ward" or "surgery")."""
        if kind == "surgery":
            return self.surgery_councillor
        hosts: dict[str, Group | Initiative | Ward] = {
            "group": self.group,
            "initiative": self.initiative,
            "ward": self.ward,
        }
        return hosts[kind]

    def target(self, name: str) -> Any:
        """Somebody or something of the town by name, for tests over several kinds: a role,
        then a conversation's key, then an attribute (`ward`, `initiative`, `group`…)."""
        if name in self.users:
            return self.users[name]
        if name in self.conversations:
            return self.conversation(name)
        return getattr(self, name)

    @property
    def invitation(self) -> Membership:
        """The pending invitation to join of "invitee" (fresh from the database)."""
        return Membership.objects.get(initiative=self.initiative, user=self.person("invitee"))

    @property
    def other_invitation(self) -> Membership:
        return Membership.objects.get(initiative=self.initiative, user=self.person("other invitee"))

    def url(self, suffix: str = "") -> str:
        """An address under the initiative's page."""
        return f"/initiatives/{self.initiative.slug}/{suffix}"

    # --- Support around the initiative, made on request

    def support(
        self,
        *,
        status: str = SupportStatus.OFFERED,
        kind: str = SupportKind.FACILITATE,
        role: str = "ward councillor",
        initiative: Initiative | None = None,
        **extra: Any,
    ) -> Support:
        """A councillor's support of the initiative, already in `status`."""
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


# --- The people of the town ---------------------------------------------------------------


def _invited_councillor(town: Town) -> Viewer:
    """A councillor of another ward whom the lead has invited to support the initiative."""
    user = make_councillor(town.other_ward)
    support_services.invitation_create(
        actor=town.lead, initiative=town.initiative, councillor=Councillor.objects.get(user=user)
    )
    return user


def _member(town: Town) -> Viewer:
    """A member of the initiative and of the group."""
    return make_group_member(town.group, make_member(town.initiative, make_resident()))


def _invitee(message: str, name: str) -> Callable[[Town], Viewer]:
    def invited(town: Town) -> Viewer:
        user = make_resident(name=name)
        invite_to_initiative(town.initiative, user, message)
        return user

    return invited


def _safeguarding_contact(town: Town) -> Viewer:
    # Safeguarding contacts must use two-factor authentication, like the other roles.
    user = with_totp(make_resident(name="Sam Safeguarding"))
    SafeguardingContact.objects.create(
        council=town.council,
        name="Sam Safeguarding",
        email="safeguarding@council.example",
        user=user,
    )
    return user


def _other_councils_contact(town: Town) -> Viewer:
    elsewhere = WardFactory(name="Elsewhere")
    user = with_totp(make_resident())
    SafeguardingContact.objects.create(
        council=elsewhere.council, name="Other Contact", email="other@council.example", user=user
    )
    return user


def _creator(thing: Initiative | Group) -> Viewer:
    user = thing.created_by
    assert user is not None
    return user


TOWN_CAST: dict[str, Callable[[Town], Viewer]] = {
    "anonymous": lambda t: AnonymousUser(),
    "resident": lambda t: make_resident(
        ward=t.ward, name="Rita Resident", email="rita@example.org"
    ),
    "outsider": lambda t: make_resident(ward=t.other_ward, name="Olu Outsider"),
    "member": _member,
    "safeguarded member": lambda t: make_member(t.safeguarded),
    "group member": lambda t: make_group_member(t.group),
    "lead": lambda t: _creator(t.initiative),
    "host": lambda t: _creator(t.initiative),  # with one_host=True: organiser and starter too
    "organiser": lambda t: _creator(t.group),
    "lead of another initiative": lambda t: _creator(t.other_initiative),
    "organiser of another group": lambda t: _creator(t.other_group),
    "invitee": _invitee("Come and help us", "Sam Invitee"),
    "other invitee": _invitee("", "Kit Invitee"),
    "author": lambda t: make_resident(ward=t.ward, name="Ada Author"),
    "other author": lambda t: make_resident(ward=t.ward, name="Otto Other"),
    "going resident": lambda t: make_resident(name="Gina Going"),
    "ward councillor": lambda t: make_councillor(t.ward, name="Cllr Rivers"),
    "ward councillor without MFA": lambda t: make_councillor(t.ward, totp=False),
    "other councillor": lambda t: make_councillor(t.other_ward, name="Cllr Hill"),
    "invited councillor": _invited_councillor,
    "surgery's councillor": lambda t: make_councillor(t.third_ward, name="Sam Surgery"),
    "officer": lambda t: make_officer(t.department),
    "other officer": lambda t: make_officer(t.other_department),
    "moderator": lambda t: make_moderator(name="Meg Moderator"),
    "safeguarding contact": _safeguarding_contact,
    "other council's contact": _other_councils_contact,
    "site admin": lambda t: make_site_admin(),
    "site admin without MFA": lambda t: make_site_admin(totp=False),
}


def pick_town(*names: str) -> dict[str, Callable[[Town], Viewer]]:
    """The named people of the town, in that order (all of them when no name is given)."""
    return pick_from(TOWN_CAST, names or TOWN_CAST)


# --- Building it --------------------------------------------------------------------------


def build_town(
    *,
    roles: Iterable[str] = ("anonymous", "resident", "member", "lead", "organiser"),
    aliases: dict[str, str] | None = None,
    one_host: bool = False,
    visibility: str = Visibility.PUBLIC,
    conversations: bool = False,
    events: bool = False,
) -> Town:
    """The town with the people in `roles` (names from `TOWN_CAST`, made in that order).

    `aliases` gives a second name to somebody already cast (new name → cast name).
    `one_host`: the initiative's lead also starts the group ("host" names them).
    `visibility`: of the initiative "Riverside garden".
    `conversations`: the host of each kind starts one (see `add_conversations`).
    `events`: one event of each kind of host (see `add_events`).
    """
    ward = WardFactory(name="Riverside")
    council = ward.council
    other_ward = WardFactory(name="Hilltop", council=council)
    third_ward = WardFactory(name="Castle", council=council)
    initiative = InitiativeFactory(
        title="Riverside garden",
        wards=[ward],
        visibility=visibility,
        created_by=make_resident(ward=ward),  # the lead lives in the ward
    )
    group = GroupFactory(
        name="Friends of Riverside park",
        council=council,
        **({"created_by": initiative.created_by} if one_host else {}),
    )
    group.wards.set([ward])
    town = Town(
        council=council,
        ward=ward,
        other_ward=other_ward,
        third_ward=third_ward,
        initiative=initiative,
        safeguarded=InitiativeFactory(
            title="Quiet support circle", wards=[ward], visibility=Visibility.SAFEGUARDED
        ),
        other_initiative=InitiativeFactory(title="Hilltop choir", wards=[other_ward]),
        group=group,
        other_group=GroupFactory(name="Hilltop singers", council=council),
        department=DepartmentFactory(council=council, name="Parks", email="parks@council.example"),
        other_department=DepartmentFactory(council=council, name="Housing"),
        venue=VenueFactory(name="Riverside library", council=council, ward=ward, group=group),
    )
    for name, make in pick_town(*roles).items():
        town.users[name] = make(town)
    for alias, name in (aliases or {}).items():
        town.users[alias] = town.users[name]
    if conversations:
        add_conversations(town)
    if events:
        add_events(town)
    return town


def add_conversations(
    town: Town,
    *,
    starter: str = "host",
    repliers: Iterable[str] = ("author", "other author"),
    hosts: Iterable[str] = HOST_KINDS,
) -> None:
    """`starter` starts a conversation hosted by the ward, one by the initiative and one by the
    group (or only by the `hosts` named); each of `repliers` replies once in each."""
    for kind in hosts:
        conversation = conversation_services.conversation_start(
            actor=town.person(starter),
            **{kind: town.target(kind)},
            question=f"What next for the {kind}?",
        )
        town.conversations[kind] = conversation
        for role in repliers:
            town.posts[(kind, role)] = conversation_services.post_create(
                actor=town.person(role), conversation=conversation, body=f"{role} says hello"
            )


# Who hosts each kind of event in the town.
EVENT_HOSTS = {
    "group": "organiser",
    "initiative": "lead",
    "ward": "ward councillor",
    "surgery": "surgery's councillor",
}


def make_event(host: Group | Initiative | Ward | Councillor, **extra: Any) -> Event:
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
    event: Event = EventFactory(**kwargs)
    return event


def add_events(town: Town, *, going: str = "going resident") -> None:
    """An event of each kind of host at the venue (20 places); `going` says they will go."""
    for kind in EVENT_HOSTS:
        event = make_event(town.host(kind), venue=town.venue, capacity=20)
        town.events[kind] = event
        event_services.rsvp_going(user=town.person(going), event=event)


def add_private_conversation(
    town: Town, *, let_in: Iterable[str] = (), key: str = "private"
) -> Conversation:
    """A safeguarded conversation of the group, started by its organiser; the people playing
    `let_in` are let into it."""
    organiser = town.group.created_by
    conversation = Conversation.objects.create(
        group=town.group,
        question="Who needs a lift to the clinic?",
        is_safeguarded=True,
        started_by=organiser,
    )
    for role in let_in:
        ConversationAccess.objects.create(conversation=conversation, user=town.person(role))
    town.conversations[key] = conversation
    return conversation


def stranger() -> User:
    """Somebody with no part in the town."""
    user: User = UserFactory()
    return user
