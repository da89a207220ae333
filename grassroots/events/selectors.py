"""Reads for venues and events, with bounded query counts.

Which events anybody may see is `events.visibility` (`visible_events` for every list here; their
hosts and moderators reach a hidden event's page through `rules.sees_event`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.events.models import (
    Event,
    EventKind,
    Rsvp,
    RsvpStatus,
    Venue,
)
from grassroots.events.rules import sees_event
from grassroots.events.visibility import visible_events
from grassroots.groups.models import Group
from grassroots.initiatives.models import InitiativeWard
from grassroots.places.models import Councillor, CouncillorTerm, Ward

FEED_DAYS_BACK = 90
FEED_LIMIT = 500
HOST_RELATIONS = ("group", "initiative", "ward", "ward__council", "councillor", "venue")


def _count(status: str) -> Coalesce:
    rows = (
        Rsvp.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate going_count and waiting_count (subqueries: no row multiplication)."""
    return qs.annotate(going_count=_count(RsvpStatus.GOING), waiting_count=_count("waiting"))


def in_ward(ward: Ward) -> Q:
    """Events of a ward: hosted by it or by one of its councillors, held at a venue in it, or
    put on by an initiative or a group active there."""
    return Q(pk__in=ward_event_ids(ward))


def ward_event_ids(ward: Ward) -> QuerySet[Event, Any]:
    """The ids of `ward`'s events (see `in_ward`): a UNION of five small sets, each read from
    an index on one of the event's own columns (an OR across joins would test every event)."""
    hosts = (
        Event.objects.filter(ward=ward),
        Event.objects.filter(venue__in=Venue.objects.filter(ward=ward).values("pk")),
        Event.objects.filter(
            councillor__in=CouncillorTerm.objects.filter(ward=ward).values("councillor")
        ),
        Event.objects.filter(
            initiative__in=InitiativeWard.objects.filter(ward=ward).values("initiative")
        ),
        Event.objects.filter(
            group__in=Group.wards.through.objects.filter(ward=ward).values("group")
        ),
    )
    first, *rest = (q.order_by().values("pk") for q in hosts)
    return first.union(*rest)


def event_list(
    user: Viewer,
    *,
    past: bool = False,
    ward: Ward | None = None,
    group: Group | None = None,
    councillor: Councillor | None = None,
    kind: str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Event]:
    """Upcoming (or past) events the user may see, filtered, with RSVP counts."""
    now = now or timezone.now()
    qs = visible_events(user)
    qs = qs.filter(ends_at__lt=now) if past else qs.filter(ends_at__gte=now)
    if ward is not None:
        qs = qs.filter(in_ward(ward))
    if group is not None:
        qs = qs.filter(group=group)
    if councillor is not None:
        qs = qs.filter(councillor=councillor)
    if kind:
        qs = qs.filter(kind=kind)
    qs = with_counts(qs.select_related(*HOST_RELATIONS))
    return qs.order_by("-starts_at", "-id") if past else qs.order_by("starts_at", "id")


SURGERIES_SHOWN = 10


@dataclass
class CouncillorSurgeries:
    rows: list[Event]
    more: bool


def councillor_surgeries(
    user: Viewer, councillor: Councillor, *, limit: int = SURGERIES_SHOWN
) -> CouncillorSurgeries:
    """The councillor's coming surgeries `user` may see, soonest first: the one source the
    councillor's page and /events/ share (hidden ones never listed). One query."""
    rows = list(event_list(user, councillor=councillor, kind=EventKind.SURGERY)[: limit + 1])
    return CouncillorSurgeries(rows=rows[:limit], more=len(rows) > limit)


FILTER_CHOICES_LIMIT = 200


def _listed(user: Viewer, past: bool) -> QuerySet[Event]:
    now = timezone.now()
    qs = visible_events(user)
    return qs.filter(ends_at__lt=now) if past else qs.filter(ends_at__gte=now)


def filter_wards(user: Viewer, *, past: bool = False) -> list[Ward]:
    """Wards with listed events (hosted there or at a venue there), by name: a short select at
    any scale.

    Each ward is tested with EXISTS (an index probe on the event's ward, or its venues), and
    the first FILTER_CHOICES_LIMIT found are sorted here, as the initiative list's ward choices
    are: ordering by name in the query, or one OR of the two tests, made PostgreSQL gather every
    listed event first. Wards hosting events come first; wards with only events at their venues
    are asked for (a second query) while there is room."""
    hosted = _listed(user, past).filter(ward=OuterRef("pk"))
    found = list(
        Ward.objects.filter(Exists(hosted)).order_by().only("pk", "name")[:FILTER_CHOICES_LIMIT]
    )
    if len(found) < FILTER_CHOICES_LIMIT:
        venues = Venue.objects.filter(ward=OuterRef(OuterRef("pk"))).values("pk")
        at_venue = _listed(user, past).filter(venue__in=venues)
        more = Ward.objects.filter(Exists(at_venue)).exclude(pk__in=[w.pk for w in found])
        found += more.order_by().only("pk", "name")[: FILTER_CHOICES_LIMIT - len(found)]
    return sorted(found, key=lambda w: (w.name, w.pk))


def filter_groups(user: Viewer, *, past: bool = False) -> list[Group]:
    """Groups with listed events, by name (an EXISTS index probe for each group; the first
    FILTER_CHOICES_LIMIT found, sorted here, as for the wards)."""
    found = Group.objects.filter(Exists(_listed(user, past).filter(group=OuterRef("pk"))))
    rows = found.order_by().only("pk", "name", "slug")[:FILTER_CHOICES_LIMIT]
    return sorted(rows, key=lambda g: (g.name, g.pk))


def event_for(user: Viewer, pk: int) -> Event | None:
    """One event, if `user` may see it (None answers 404, like a missing one)."""
    event = with_counts(Event.objects.select_related(*HOST_RELATIONS)).filter(pk=pk).first()
    if event is None or not sees_event(user, event):
        return None
    return event


def rsvp_of(user: Viewer, event: Event) -> Rsvp | None:
    if not isinstance(user, User):
        return None
    return Rsvp.objects.filter(event=event, user=user).first()


def waiting_position(rsvp: Rsvp) -> int:
    """1 for the first on the waiting list."""
    return (
        Rsvp.objects.filter(event_id=rsvp.event_id, status=RsvpStatus.WAITING)
        .filter(
            Q(joined_list_at__lt=rsvp.joined_list_at)
            | Q(joined_list_at=rsvp.joined_list_at, pk__lte=rsvp.pk)
        )
        .count()
    )


def waiting_list(event: Event) -> QuerySet[Rsvp]:
    return Rsvp.objects.filter(event=event, status=RsvpStatus.WAITING).order_by(
        "joined_list_at", "pk"
    )


def places_left(event: Event) -> int | None:
    """None when there is no limit."""
    if event.capacity is None:
        return None
    going: int = (
        getattr(event, "going_count", None) or event.rsvps.filter(status=RsvpStatus.GOING).count()
    )
    return max(event.capacity - going, 0)


def calendar_events(
    *,
    ward: Ward | None = None,
    group: Group | None = None,
    councillor: Councillor | None = None,
    event: Event | None = None,
) -> QuerySet[Event]:
    """Events for a public calendar feed: only what an anonymous visitor may see.

    Cancelled events stay in feeds (STATUS:CANCELLED tells subscribed calendars to drop them).
    Feeds cover the last FEED_DAYS_BACK days onwards and at most FEED_LIMIT events.
    """
    qs = visible_events(AnonymousUser()).select_related(*HOST_RELATIONS)
    if event is None:
        since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
        qs = qs.filter(ends_at__gte=since)
    if ward is not None:
        qs = qs.filter(in_ward(ward))
    if group is not None:
        qs = qs.filter(group=group)
    if councillor is not None:
        qs = qs.filter(councillor=councillor, kind=EventKind.SURGERY)
    if event is not None:
        qs = qs.filter(pk=event.pk)
    return qs.order_by("starts_at", "id")[:FEED_LIMIT]


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.select_related("ward", "group").order_by("name")


def venue_for(pk: int) -> Venue | None:
    return Venue.objects.select_related("ward", "group", "council").filter(pk=pk).first()


def venue_upcoming_events(user: Viewer, venue: Venue) -> QuerySet[Event]:
    return (
        visible_events(user)
        .filter(venue=venue, ends_at__gte=timezone.now(), cancelled_at__isnull=True)
        .select_related(*HOST_RELATIONS)
        .order_by("starts_at")[:20]
    )


def group_upcoming_events(group: Group, *, limit: int = 10) -> list[Event]:
    """The group's coming events, not hidden nor cancelled (group events are public), for the
    group's page (`{% group_events %}`)."""
    return list(
        Event.objects.filter(
            group=group,
            hidden_at__isnull=True,
            cancelled_at__isnull=True,
            ends_at__gt=timezone.now(),
        )
        .select_related("venue")
        .order_by("starts_at", "pk")[:limit]
    )
