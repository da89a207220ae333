"""Venues: organisers and site admins add and change them; the page shows the access facts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grassroots.core.models import AuditEntry
from grassroots.events import services
from grassroots.events.models import Venue
from grassroots.events.tests.conftest import error_summary
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _data(**extra: Any) -> dict[str, Any]:
    data = {
        "name": "St Mary's hall",
        "address": "2 Church Lane",
        "postcode": "GR2 3AB",
        "step_free": "on",
        "hearing_loop": "on",
        "quiet_room": "on",
        "accessibility_notes": "Ramp at the side door.",
        "opening_notes": "Open weekday evenings.",
    }
    data.update(extra)
    return data


def test_an_organiser_adds_a_venue_for_their_group(client: Any, world: Town) -> None:
    client.force_login(world.person("organiser"))
    response = client.post(reverse("events:venue_new"), _data(group=str(world.group.pk)))
    venue = Venue.objects.get(name="St Mary's hall")
    assert response["Location"] == venue.get_absolute_url()
    assert venue.group == world.group
    assert venue.council == world.group.council
    assert (venue.step_free, venue.hearing_loop, venue.parking) == (True, True, False)


def test_an_organiser_cannot_add_a_venue_for_someone_elses_group(client: Any, world: Town) -> None:
    client.force_login(world.person("organiser"))
    response = client.post(reverse("events:venue_new"), _data(group=str(world.other_group.pk)))
    assert "Select one of your groups" in error_summary(response.content.decode())
    response = client.post(reverse("events:venue_new"), _data(group=""))
    assert "Select which group is adding it" in error_summary(response.content.decode())
    assert not Venue.objects.filter(name="St Mary's hall").exists()


def test_a_site_admin_adds_a_venue_of_no_group(client: Any, world: Town) -> None:
    client.force_login(world.person("site admin"))
    client.post(reverse("events:venue_new"), _data(group="", ward=str(world.ward.pk)))
    venue = Venue.objects.get(name="St Mary's hall")
    assert venue.group is None
    assert venue.council == world.ward.council


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the name of the venue"),
        ({"name": "x" * 151}, "Name must be 150 characters or fewer"),
        ({"opening_notes": "x" * 2001}, "Opening times and notes must be 2000 characters"),
        ({"ward": "999999"}, "Select a ward from the list"),
    ],
)
def test_bad_venue_input(client: Any, world: Town, changes: dict[str, Any], message: str) -> None:
    client.force_login(world.person("organiser"))
    response = client.post(reverse("events:venue_edit", args=[world.venue.pk]), _data(**changes))
    assert response.status_code == 200
    assert message in error_summary(response.content.decode())
    world.venue.refresh_from_db()
    assert world.venue.name == "Riverside library"


def test_the_venue_page_shows_access_facts_as_a_summary_list(client: Any, world: Town) -> None:
    body = client.get(world.venue.get_absolute_url()).content.decode()
    for label in (
        "Step-free access",
        "Accessible toilet",
        "Hearing loop",
        "Parking",
        "Near public transport",
        "Quiet room",
        "More about access",
        "Opening times and notes",
    ):
        assert f'<dt class="govuk-summary-list__key">{label}</dt>' in body
    assert world.events["group"].title in body


def test_changing_a_venue_is_recorded(client: Any, world: Town) -> None:
    client.force_login(world.person("organiser"))
    client.post(reverse("events:venue_edit", args=[world.venue.pk]), _data(parking="on"))
    world.venue.refresh_from_db()
    assert world.venue.parking is True
    assert AuditEntry.objects.filter(action="events.venue_updated").exists()


def test_the_venue_is_in_the_django_admin(client: Any, world: Town) -> None:
    client.force_login(world.person("site admin"))
    assert client.get(reverse("admin:events_venue_changelist")).status_code == 200
    assert client.get(reverse("admin:events_venue_add")).status_code == 200


def test_only_a_site_admin_adds_a_shared_venue_through_the_service(world: Town) -> None:
    """A venue of no group (for every host) is a site admin's to add, whoever calls the service."""
    council = world.group.council
    with pytest.raises(PermissionDenied):
        services.venue_create(
            actor=world.person("organiser"), council=council, group=None, name="Town hall"
        )
    assert not Venue.objects.filter(name="Town hall").exists()
    venue = services.venue_create(
        actor=world.person("site admin"), council=council, group=None, name="Town hall"
    )
    assert venue.group is None
