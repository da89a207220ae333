"""The permission matrix: every role by every data-changing action on events and venues.

Each test checks one row of the table (an action on one kind of event) for every role at once
and compares whole rows, so a failure shows exactly which cells are wrong.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from grassroots.events.tests.conftest import CAST, SIGNED_IN
from grassroots.initiatives.models import Visibility
from grassroots.testing.worlds import EVENT_HOSTS, Town

pytestmark = pytest.mark.django_db

HOSTED = ["events.change_event", "events.cancel_event", "events.write_minutes", "events.add_action"]


def _row(world: Town, perm: str, obj: Any) -> dict[str, bool]:
    return {role: world.user(role).has_perm(perm, obj) for role in CAST}


def _only(*roles: str) -> dict[str, bool]:
    return {role: role in roles for role in CAST}


@pytest.mark.parametrize("perm", HOSTED)
@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_only_the_hosts_run_an_event(world: Town, kind: str, perm: str) -> None:
    assert _row(world, perm, world.events[kind]) == _only(EVENT_HOSTS[kind])


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_only_the_hosts_can_put_on_an_event_for_a_host(world: Town, kind: str) -> None:
    assert _row(world, "events.host_event", world.host(kind)) == _only(EVENT_HOSTS[kind])


@pytest.mark.parametrize("kind", list(EVENT_HOSTS))
def test_anybody_signed_in_can_reply(world: Town, kind: str) -> None:
    assert _row(world, "events.rsvp", world.events[kind]) == _only(*SIGNED_IN)


def test_adding_a_venue(world: Town) -> None:
    assert _row(world, "events.add_venue", None) == _only(
        "organiser", "organiser of another group", "site admin"
    )
    assert _row(world, "events.add_venue", world.group) == _only("organiser", "site admin")


def test_changing_a_groups_venue(world: Town) -> None:
    assert _row(world, "events.change_venue", world.venue) == _only("organiser", "site admin")


def test_a_venue_of_no_group_is_for_site_admins(world: Town) -> None:
    world.venue.group = None
    world.venue.save(update_fields=["group"])
    assert _row(world, "events.change_venue", world.venue) == _only("site admin")


@pytest.mark.parametrize("perm", [*HOSTED, "events.rsvp", "events.view_event"])
def test_nobody_outside_a_safeguarded_initiative_can_do_anything_with_its_event(
    world: Town, perm: str
) -> None:
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    assert _row(world, perm, world.events["initiative"]) == _only("lead")


def test_a_councillor_without_two_factor_authentication_cannot_host(world: Town) -> None:
    user = world.person("ward councillor")
    Authenticator.objects.filter(user=user).delete()
    user = type(user).objects.get(pk=user.pk)
    assert not user.has_perm("events.host_event", world.ward)
    assert not user.has_perm("events.change_event", world.events["ward"])
