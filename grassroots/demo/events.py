"""Demo venues and events in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

Venues with different accessibility; upcoming and past events hosted by groups, initiatives,
wards and councillors (surgeries, several for the demo councillor); a full event with a waiting
list; past meetings with minutes, decisions and action items, some owned by the demo resident
(so they show under "Your actions" on the account page); one cancelled event; one event of the
safeguarded initiative, which only its insiders can see.

Venues are kept by (council, name) and events by a UID derived from the seed, so their ids
survive a re-run; replies, minutes and actions are rebuilt each time. Dates are counted from
today, at fixed local times, so the demo always has something coming up.

Everything is made by the services people's actions use (`events.services`), acting as the
person who would do it. A group's venue is added by the group's organiser, the rest by the demo
site admin. Events are put on by their hosts: a group's organiser, an initiative's lead, the
councillor holding a surgery, a councillor for the ward (councillors act through their demo
sign-ins, `demo.borough.councillor_account`). On a re-run an event is found by its UID and edited
(or left alone when nothing changed); a new one gets its seed-derived UID after `event_create`.
The cancelled event is cancelled by its host. Residents reply as on an event's page (the full
event's waiting list fills itself), and the hosts write the minutes and the actions.

The services refuse a start in the past, and a reply to a meeting that has happened was given
while it was still to come: such a meeting is put on (or changed) for tomorrow, its replies come
in, and then it is moved back to its date; replies are then dated, as a service dates them
when it runs.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.actions import services as action_services
from grassroots.actions.models import ActionItem, ActionStatus
from grassroots.demo.borough import Borough, councillor_account
from grassroots.events import services
from grassroots.events.models import (
    Event,
    EventKind,
    Minutes,
    Rsvp,
    Venue,
)
from grassroots.events.rules import Host, host_of
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.places.models import Councillor, CouncillorTerm, Ward

_UID_NAMESPACE = uuid.UUID("8c0f6a52-54a4-4b0e-9a43-6d1f2b7f0e11")


@dataclass(frozen=True)
class VenueSpec:
    name: str
    address: str
    postcode: str
    facts: frozenset[str]
    access_notes: str
    opening: str
    group: str = ""  # the name of the group that looks after it


VENUES: tuple[VenueSpec, ...] = (
    VenueSpec(
        "Brookmere Library",
        "12 Market Street\nBrookmere",
        "GR1 2LB",
        frozenset({"step_free", "accessible_toilet", "hearing_loop", "public_transport"}),
        "Automatic doors and a lift to the first-floor meeting room.",
        "Monday to Saturday, 9am to 7pm. Meeting room bookings at the front desk.",
        "Brookmere Repair Café",
    ),
    VenueSpec(
        "Riverside Community Centre",
        "Riverside Walk\nBrookmere",
        "GR2 4RC",
        frozenset(
            {
                "step_free",
                "accessible_toilet",
                "hearing_loop",
                "parking",
                "public_transport",
                "quiet_room",
            }
        ),
        "Blue badge spaces by the main door. The quiet room is next to the hall.",
        "Open every day 8am to 10pm.",
    ),
    VenueSpec(
        "St Anne's church hall",
        "Church Lane\nBrookmere",
        "GR3 1SA",
        frozenset({"parking"}),
        "Three steps up to the hall; there is no ramp yet. Toilets are upstairs.",
        "Evenings and Saturdays by arrangement with the parish office.",
        "Friends of Brookmere Park",
    ),
    VenueSpec(
        "The Old Bakery café",
        "3 Bridge Street\nBrookmere",
        "GR1 3OB",
        frozenset({"public_transport", "step_free"}),
        "Level entrance; the back room is small and can be noisy at lunchtime.",
        "Tuesday to Sunday, 8am to 4pm.",
    ),
    VenueSpec(
        "Eastmoor Primary School hall",
        "School Road\nEastmoor",
        "GR4 2EP",
        frozenset({"step_free", "accessible_toilet", "parking"}),
        "Use the side gate on School Road after 6pm.",
        "Evenings after 6pm and weekends in term time.",
    ),
)


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Local wall-clock time `days` from today (negative: in the past)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _organiser(group: Group) -> User | None:
    """The group's first organiser (the demo resident, for the park group)."""
    row = (
        GroupMembership.objects.filter(
            group=group, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row is not None else None


def _host_actor(borough: Borough, host: Host) -> User:
    """Who puts on an event for `host`, as they would on the site: a group's organiser, an
    initiative's lead, the councillor holding the surgery, or a councillor for the ward (the
    demo councillor when they represent it; every councillor who acts has a demo sign-in)."""
    user: User | None = None
    if isinstance(host, Group):
        user = _organiser(host)
    elif isinstance(host, Initiative):
        lead = (
            Membership.objects.filter(
                initiative=host, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        user = lead.user if lead is not None else None
    elif isinstance(host, Councillor):
        user = councillor_account(borough, host)
    elif isinstance(host, Ward):
        terms = CouncillorTerm.objects.current(timezone.localdate()).filter(ward=host)
        demo_user = borough.accounts.get("councillor")
        term = (
            terms.filter(councillor__user=demo_user).first() if demo_user is not None else None
        ) or terms.select_related("councillor").order_by("pk").first()
        user = councillor_account(borough, term.councillor) if term is not None else None
    if user is None:
        raise LookupError(f"Nobody in the demo may host events for {host}")
    return user


def seed_venues(borough: Borough) -> dict[str, Venue]:
    """Each venue is added (or brought up to date) by whoever would look after it: the group's
    organiser for a group's venue, the demo site admin for the rest."""
    groups = {g.name: g for g in Group.objects.filter(council=borough.council)}
    wards = list(borough.wards.values())
    admin = borough.accounts["site admin"]
    venues: dict[str, Venue] = {}
    for index, spec in enumerate(VENUES):
        group = groups.get(spec.group)
        actor = (_organiser(group) if group is not None else None) or admin
        fields: dict[str, Any] = {
            "name": spec.name,
            "address": spec.address,
            "postcode": spec.postcode,
            "ward": wards[index % len(wards)] if wards else None,
            "accessibility_notes": spec.access_notes,
            "opening_notes": spec.opening,
        }
        fields.update({fact: fact in spec.facts for fact in services.VENUE_FACTS})
        venue = Venue.objects.filter(council=borough.council, name=spec.name).first()
        if venue is None:
            venue = services.venue_create(
                actor=actor, council=borough.council, group=group, **fields
            )
        else:
            if venue.group_id != (group.pk if group is not None else None):
                actor = admin  # only a site admin looks after another group's venue
            venue = services.venue_update(actor=actor, venue=venue, **fields)
        venues[spec.name] = venue
    return venues


@dataclass(frozen=True)
class _WriteUp:
    """The minutes of a meeting that happened and the actions from it, recorded by `author`."""

    author: User
    text: str
    decisions: str
    actions: list[dict[str, Any]]


@dataclass(frozen=True)
class _Plan:
    """One demo event: its host (None when this demo has no such host: the event is left out),
    what it is, who replies and from when, and, for a meeting that happened, its write-up."""

    key: str
    host: Group | Initiative | Ward | Councillor | None
    title: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    venue: Venue | None = None
    online_url: str = ""
    capacity: int | None = None
    kind: str = EventKind.MEETING
    cancel_reason: str = ""
    replies: tuple[tuple[list[User], datetime.datetime], ...] = ()
    write_up: _WriteUp | None = None


@dataclass
class _Seeder:
    borough: Borough
    venues: dict[str, Venue]
    count: int = 0

    def put_on(self, plan: _Plan) -> None:
        """The event of `plan` (if it has a host), its replies, and the write-up when its
        author may write the minutes."""
        if plan.host is None:
            return
        event = self.event(plan, plan.host)
        for people, start in plan.replies:
            _reply(event, people, start)
        write_up = plan.write_up
        if write_up is not None and write_up.author.has_perm("events.write_minutes", event):
            services.minutes_save(
                actor=write_up.author,
                event=event,
                text=write_up.text,
                decisions=write_up.decisions,
            )
            _actions(event, write_up.author, write_up.actions)

    def event(self, plan: _Plan, host: Group | Initiative | Ward | Councillor) -> Event:
        """Put on (or bring up to date) the event known by `plan.key`, as its host would; its
        UID is derived from the key, and a `cancel_reason` has the host cancel it."""
        uid = uuid.uuid5(_UID_NAMESPACE, f"{self.borough.dataset.seed}:{plan.key}")
        actor = _host_actor(self.borough, host)
        starts_at, ends_at, cancel_reason = plan.starts_at, plan.ends_at, plan.cancel_reason
        same_as_asked: dict[str, Any] = {
            "title": plan.title,
            "description": plan.description,
            "online_url": plan.online_url,
            "capacity": plan.capacity,
        }
        wanted: dict[str, Any] = {
            **same_as_asked,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "venue_id": plan.venue.pk if plan.venue is not None else None,
            "kind": EventKind.SURGERY if isinstance(host, Councillor) else plan.kind,
        }
        # The services refuse a start in the past: a meeting that has happened was put on
        # while it was still to come, so it is made for tomorrow and then moved back.
        now = timezone.now()
        happened = starts_at < now
        if happened:
            soon = now + datetime.timedelta(days=1)
            when = {"starts_at": soon, "ends_at": soon + (ends_at - starts_at)}
        else:
            when = {"starts_at": starts_at, "ends_at": ends_at}
        fields: dict[str, Any] = {**same_as_asked, "venue": plan.venue, "kind": plan.kind, **when}
        event = Event.objects.filter(uid=uid).first()
        if event is not None and host_of(event) != host:
            event.delete()  # the seed now gives it another host: put it on afresh
            event = None
        if event is not None:
            # Replies, minutes and actions are rebuilt each run.
            Rsvp.objects.filter(event=event).delete()
            Minutes.objects.filter(event=event).delete()
            ActionItem.objects.filter(event=event).delete()
            same = all(getattr(event, name) == value for name, value in wanted.items())
            cancelled = event.cancelled_at is not None
            if same and cancelled == bool(cancel_reason) and event.cancel_reason == cancel_reason:
                self.count += 1
                return event  # nothing changed: leave it as it is
            if cancelled:
                # Put back what a visitor (or an earlier run) cancelled, so it can be edited;
                # it is cancelled again below if the demo wants it so.
                Event.objects.filter(pk=event.pk).update(cancelled_at=None, cancel_reason="")
                event.cancelled_at, event.cancel_reason = None, ""
            event = services.event_update(actor=actor, event=event, **fields)
        else:
            event = services.event_create(actor=actor, host=host, **fields)
            # The service gives a new event a random calendar UID; the demo's is derived from
            # the seed, so the event keeps the same UID in people's calendars on every re-run
            # (and on every database built from the same seed).
            Event.objects.filter(pk=event.pk).update(uid=uid)
            event.uid = uid
        if happened:
            Event.objects.filter(pk=event.pk).update(starts_at=starts_at, ends_at=ends_at)
            event.starts_at, event.ends_at = starts_at, ends_at
        if cancel_reason:
            event = services.event_cancel(actor=actor, event=event, reason=cancel_reason)
        self.count += 1
        return event


def _reply(event: Event, people: list[User], start: datetime.datetime) -> None:
    """Each of `people` says they're going, as on the event's page (once it is full they join
    the waiting list); the replies are then dated from `start`, a minute apart."""
    rows = Event.objects.filter(pk=event.pk)
    happened = event.ends_at <= timezone.now()
    if happened:  # they replied while it was still to come, a week or more before it
        start = min(start, event.starts_at - datetime.timedelta(days=7))
        soon = timezone.now() + datetime.timedelta(days=1)
        rows.update(starts_at=soon, ends_at=soon + (event.ends_at - event.starts_at))
    replies = [services.rsvp_going(user=user, event=event) for user in people]
    if happened:
        rows.update(starts_at=event.starts_at, ends_at=event.ends_at)
    for n, reply in enumerate(replies):
        when = start + datetime.timedelta(minutes=n)
        Rsvp.objects.filter(pk=reply.pk).update(
            joined_list_at=when, created_at=when, updated_at=when
        )


def _actions(event: Event, host: User, items: list[dict[str, Any]]) -> None:
    """The host records each action from the meeting; the ones under way are moved on."""
    for item in items:
        status = item.pop("status", ActionStatus.OPEN)
        row = action_services.action_add(actor=host, parent=event, **item)
        if status != ActionStatus.OPEN:
            action_services.action_set_status(actor=host, item=row, status=status)


def seed_events(borough: Borough) -> None:
    """Venues, events, surgeries, a waiting list, and past meetings with minutes and actions."""
    rng = borough.rng("events")
    venues = seed_venues(borough)
    seeder = _Seeder(borough, venues)
    residents = list(borough.residents)
    resident = borough.accounts.get("resident")
    councillor_user = borough.accounts.get("councillor")
    groups = {g.name: g for g in Group.objects.filter(council=borough.council)}
    initiatives = {
        i.title: i for i in Initiative.objects.filter(wards__council=borough.council).distinct()
    }
    wards = list(borough.wards.values())
    demo_councillor = (
        Councillor.objects.filter(user=councillor_user).first() if councillor_user else None
    )
    home_ward = resident.ward if resident is not None and resident.ward else wards[0]
    booked = _at(-10, 9)  # when the early replies came in
    people = rng.sample(residents, 24)
    library = venues["Brookmere Library"]
    centre = venues["Riverside Community Centre"]
    hall = venues["St Anne's church hall"]
    cafe = venues["The Old Bakery café"]
    school = venues["Eastmoor Primary School hall"]

    park = groups.get("Friends of Brookmere Park")
    repair = groups.get("Brookmere Repair Café")
    safeguarded = next(
        (i for i in initiatives.values() if i.visibility == Visibility.SAFEGUARDED), None
    )
    with_resident = [resident] if resident else []
    plans = [
        _Plan(
            "park-litter-pick",
            park,
            "Spring litter pick in Brookmere Park",
            "Gloves, pickers and bags provided. Meet at the bandstand; tea after.",
            _at(5, 10),
            _at(5, 12),
            centre,
            capacity=30,
            kind=EventKind.ACTIVITY,
            replies=((people[:8], booked),),
        ),
        # A meeting that happened: minutes, decisions and actions, some the demo resident's
        # (the demo resident organises the park group, so writes up its meeting).
        _Plan(
            "park-agm",
            park,
            "Friends of Brookmere Park: annual meeting",
            "Looking back at the year, and choosing what to ask the council for.",
            _at(-21, 19),
            _at(-21, 20, 30),
            hall,
            replies=(([*people[:10], *with_resident], booked),),
            write_up=None
            if resident is None
            else _WriteUp(
                resident,
                "Eighteen people came. We heard about the bulb planting (1,200 bulbs), the new "
                "bins by the play area, and the state of the old bandstand.",
                "Ask the council for a survey of the bandstand before winter.\n"
                "Hold litter picks monthly from March.",
                [
                    {
                        "what": "Write to the parks department about a bandstand survey",
                        "owner": resident,
                        "due_on": timezone.localdate() + datetime.timedelta(days=14),
                    },
                    {
                        "what": "Book the community centre for the spring litter pick",
                        "owner": people[1],
                        "status": ActionStatus.DONE,
                    },
                    {
                        "what": "Ask the school about a poster competition",
                        "owner_name": "Mrs Patel (head teacher)",
                        "status": ActionStatus.IN_PROGRESS,
                        "due_on": timezone.localdate() + datetime.timedelta(days=30),
                    },
                ],
            ),
        ),
        # Full, with a waiting list: six places, six going and three waiting.
        _Plan(
            "repair-cafe",
            repair,
            "Repair Café: bikes and small electricals",
            "Bring one thing that is broken. Volunteers fix it with you.",
            _at(9, 10),
            _at(9, 13),
            library,
            capacity=6,
            replies=(
                (people[8:14], booked),
                (people[14:17], booked + datetime.timedelta(days=1)),  # waiting
            ),
        ),
        _Plan(
            "repair-cafe-cancelled",
            repair,
            "Repair Café: sewing and mending",
            "Bring clothes that need mending.",
            _at(16, 10),
            _at(16, 12),
            cafe,
            capacity=10,
            cancel_reason="Our volunteers are ill; we will set a new date soon.",
        ),
        _Plan(
            "orchard-pruning",
            initiatives.get("Fennick Lane community orchard"),
            "Winter pruning at the orchard",
            "Learn to prune apple trees with a volunteer from the allotment society.",
            _at(12, 10),
            _at(12, 12),
            school,
            capacity=12,
            kind=EventKind.ACTIVITY,
            replies=((people[17:21], booked),),
        ),
        # Only the initiative's insiders can see this one (lists, feeds, notifications).
        _Plan(
            "safeguarded-session",
            safeguarded,
            "Peer support session",
            "A confidential session with a trained facilitator.",
            _at(7, 18),
            _at(7, 20),
            centre,
        ),
        _Plan(
            "ward-meeting",
            home_ward,
            f"{home_ward.name} ward meeting",
            "Your councillors report back and take questions. Join in the room or online.",
            _at(14, 19),
            _at(14, 20, 30),
            centre,
            online_url="https://meet.brookmere.example/ward-meeting",
            replies=((people[2:7], booked),),
        ),
        # Written up by the demo councillor when they represent the ward.
        _Plan(
            "ward-meeting-past",
            home_ward,
            f"{home_ward.name} ward meeting: traffic and parking",
            "What residents want done about school-run parking.",
            _at(-35, 19),
            _at(-35, 20, 30),
            school,
            replies=(([*people[5:12], *with_resident], booked),),
            write_up=None
            if councillor_user is None
            else _WriteUp(
                councillor_user,
                "Thirty residents came. Most concern was about parking on School Road at 3pm.",
                "Ask the council for a school street trial on School Road.",
                [
                    {
                        "what": "Count cars on School Road for two weeks",
                        "owner": resident,
                        "owner_name": "" if resident else "Volunteers",
                        "status": ActionStatus.IN_PROGRESS,
                        "due_on": timezone.localdate() + datetime.timedelta(days=7),
                    },
                    {
                        "what": "Raise a school street trial with highways officers",
                        "owner": councillor_user,
                    },
                ],
            ),
        ),
    ]
    if demo_councillor is not None:
        plans += [
            _Plan(
                f"surgery-demo-{n}",
                demo_councillor,
                f"Councillor {demo_councillor.name}'s surgery",
                "Drop in to raise anything about the ward. No appointment needed.",
                _at(days, 10),
                _at(days, 12),
                where,
                replies=((people[20:23], booked),) if n == 0 else (),
            )
            for n, (days, where) in enumerate([(3, library), (17, cafe), (31, library)])
        ]
    others = [c for c in borough.councillors.values() if c.pk != getattr(demo_councillor, "pk", 0)]
    plans += [
        _Plan(
            f"surgery-{councillor.slug}",
            councillor,
            f"Councillor {councillor.name}'s surgery",
            "Drop in or join online to raise anything about the ward.",
            _at(4 + n * 3, 18),
            _at(4 + n * 3, 19),
            None if n == 1 else hall,
            online_url="https://meet.brookmere.example/surgery" if n == 1 else "",
        )
        for n, councillor in enumerate(others[:3])
    ]
    for plan in plans:
        seeder.put_on(plan)
    borough.counts["venues"] = len(venues)
    borough.counts["events"] = seeder.count
