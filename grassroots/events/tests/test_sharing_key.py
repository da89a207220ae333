"""Which events a person sees follows from the restricted initiatives they see: everybody with
the same `sharing_key()` sees the same events, so a list drawn for one may be shown to another."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.utils import timezone

from grassroots.core.request_cache import scope
from grassroots.events.models import Event
from grassroots.events.visibility import sharing_key, visible_events
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import MembershipFactory
from grassroots.testing.worlds import Town, make_event

from .conftest import CAST

pytestmark = pytest.mark.django_db


def by_key(town: Town, role: str) -> set[int]:
    """The events not hidden whose initiative is none, public, or one of the key's."""
    with scope():
        seen = sharing_key(town.user(role))
    public = Initiative.objects.filter(initiatives.public_q()).values("pk")
    events = Event.objects.filter(hidden_at__isnull=True).filter(
        Q(initiative__isnull=True) | Q(initiative__in=public) | Q(initiative__in=seen)
    )
    return set(events.values_list("pk", flat=True))


def by_rule(town: Town, role: str) -> set[int]:
    return set(visible_events(town.user(role)).values_list("pk", flat=True))


@pytest.mark.parametrize("role", CAST)
def test_the_key_and_the_public_give_what_the_rule_shows(world: Town, role: str) -> None:
    make_event(world.safeguarded, venue=world.venue, title="Refuge meeting")
    MembershipFactory(initiative=world.safeguarded, user=world.person("resident"))
    make_event(world.other_initiative, venue=world.venue, title="Choir practice")
    hidden = make_event(world.initiative, venue=world.venue, title="Withdrawn talk")
    Event.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    Initiative.objects.filter(pk=world.other_initiative.pk).update(hidden_at=timezone.now())
    assert by_key(world, role) == by_rule(world, role)


def test_people_with_the_same_key_see_the_same_events(world: Town) -> None:
    make_event(world.safeguarded, venue=world.venue, title="Refuge meeting")
    MembershipFactory(initiative=world.safeguarded, user=world.person("resident"))
    make_event(world.other_initiative, venue=world.venue, title="Choir practice")
    Initiative.objects.filter(pk=world.other_initiative.pk).update(hidden_at=timezone.now())
    keys: dict[tuple[int, ...], set[int]] = {}
    for role in CAST:
        with scope():
            key = sharing_key(world.user(role))
        keys.setdefault(key, by_rule(world, role))
        assert keys[key] == by_rule(world, role)
    assert len(keys) > 2  # outsiders, the member, and those who see the hidden one
