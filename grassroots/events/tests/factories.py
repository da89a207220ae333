"""Factories for venues and events. For state with rules (RSVPs, waiting lists) use services."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from grassroots.events.models import Event, EventKind, Venue
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import CouncilFactory


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Community hall {n}")
    address = "1 High Street\nBrookmere"
    postcode = "GR1 1AA"
    step_free = True
    hearing_loop = True


def _in_days(days: int, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class EventFactory(factory.django.DjangoModelFactory):
    """A group's meeting a week from now at a venue; pass initiative=/ward=/councillor= with
    group=None for other hosts."""

    class Meta:
        model = Event

    group = factory.SubFactory(GroupFactory)
    kind = EventKind.MEETING
    title = factory.Sequence(lambda n: f"Park clean-up {n}")
    description = "Bring gloves; we provide bags and tea."
    starts_at = factory.LazyFunction(lambda: _in_days(7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    venue = factory.SubFactory(VenueFactory)
