"""Events of an archived group: its organisers still run the events it already has (change,
cancel, minutes, action items), but it puts on no new event and gets no new venue, not even
from a site admin. Forms leave it out of their choices and say why if it is posted anyway."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.events import rules, services
from grassroots.events.models import Event, EventKind, Minutes, Venue
from grassroots.events.tests.conftest import error_summary
from grassroots.groups import services as group_services
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

ORGANISER = "organiser"
OTHERS = ["resident", "going resident", "organiser of another group", "moderator", "site admin"]


def _archive(world: Town) -> Group:
    group_services.group_archive(group=world.group, actor=world.person(ORGANISER))
    world.group.refresh_from_db()
    return world.group


def _fresh(world: Town, role: str) -> Any:
    return world.user(role)


def _make_organiser(user: User, group: Group) -> None:
    GroupMembership.objects.update_or_create(
        group=group,
        user=user,
        defaults={"role": GroupRole.ORGANISER, "status": GroupMembershipStatus.ACTIVE},
    )


def _edit_data(event: Event, title: str) -> dict[str, Any]:
    start = timezone.localtime(event.starts_at)
    return {
        "kind": EventKind.MEETING,
        "title": title,
        "description": event.description,
        "date_0": start.day,
        "date_1": start.month,
        "date_2": start.year,
        "start_time": "18:00",
        "end_time": "20:00",
        "venue": event.venue_id or "",
        "online_url": "",
        "capacity": "25",
    }


def _new_event_data(world: Town, host: str) -> dict[str, Any]:
    day = timezone.localdate() + datetime.timedelta(days=10)
    return {
        "host": host,
        "kind": EventKind.MEETING,
        "title": "Litter pick",
        "description": "Meet at the gate.",
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "start_time": "10:00",
        "end_time": "12:00",
        "venue": world.venue.pk,
        "online_url": "",
        "capacity": "",
    }


def _venue_data(**extra: Any) -> dict[str, Any]:
    data = {"name": "St Mary's hall", "address": "2 Church Lane", "postcode": "GR2 3AB"}
    data.update(extra)
    return data


def _started(event: Event) -> None:
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The rules, before and after archiving -------------------------------------------------------


@pytest.mark.parametrize("archived", [False, True])
def test_the_organiser_runs_existing_events_archived_or_not(world: Town, archived: bool) -> None:
    event = world.events["group"]
    # An action item (actions.ActionItem) owned by the going resident.
    item = event.action_items.create(
        what="Write to the council", owner=world.person("going resident")
    )
    if archived:
        _archive(world)
        event.refresh_from_db()
    organiser = _fresh(world, ORGANISER)
    for perm in ("change_event", "cancel_event", "write_minutes", "add_action"):
        assert organiser.has_perm(f"events.{perm}", event), perm
    assert organiser.has_perm("actions.update", item)
    # A new event for the group, and a new venue for it, only while it is not archived.
    assert organiser.has_perm("events.host_event", world.group) is not archived
    assert organiser.has_perm("events.add_venue", world.group) is not archived
    for role in OTHERS:
        user = _fresh(world, role)
        for perm in ("change_event", "cancel_event", "write_minutes", "add_action"):
            assert not user.has_perm(f"events.{perm}", event), (role, perm)
        assert not user.has_perm("events.host_event", world.group), role


def test_a_site_admin_may_add_a_venue_for_a_group_only_until_it_is_archived(world: Town) -> None:
    admin = _fresh(world, "site admin")
    assert admin.has_perm("events.add_venue", world.group)
    _archive(world)
    admin = _fresh(world, "site admin")
    assert not admin.has_perm("events.add_venue", world.group)
    assert admin.has_perm("events.add_venue", None)  # a venue of no group, or of a live one
    with pytest.raises(PermissionDenied):
        services.venue_create(
            actor=admin, council=world.group.council, group=world.group, name="St Mary's hall"
        )
    assert not Venue.objects.filter(name="St Mary's hall").exists()


def test_a_hidden_event_of_an_archived_group_stays_visible_to_its_organiser(world: Town) -> None:
    event = world.events["group"]
    Event.objects.filter(pk=event.pk).update(hidden_at=timezone.now())
    _archive(world)
    event.refresh_from_db()
    assert rules.sees_event(_fresh(world, ORGANISER), event)
    assert not rules.sees_event(_fresh(world, "resident"), event)


# --- Running an archived group's events through the pages ---------------------------------------


def test_after_archiving_the_organiser_changes_cancels_and_writes_up_events(
    client: Any, world: Town
) -> None:
    event = world.events["group"]
    _archive(world)
    client.force_login(world.user(ORGANISER))

    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert reverse("events:edit", args=[event.pk]) in page.content.decode()

    response = client.post(reverse("events:edit", args=[event.pk]), _edit_data(event, "Last one"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Last one"

    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": "We finished"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None

    past = Event.objects.create(
        title="Final meeting",
        description="",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=1, hours=2),
        group=world.group,
        venue=world.venue,
        created_by=world.person(ORGANISER),
    )
    _started(past)
    response = client.post(
        reverse("events:minutes", args=[past.pk]), {"text": "We wound up.", "decisions": ""}
    )
    assert response.status_code == 302
    assert Minutes.objects.filter(event=past, text="We wound up.").exists()
    response = client.post(
        reverse("actions:event_action_new", args=[past.pk]),
        {"what": "Close the bank account", "owner_name": "Jo"},
    )
    assert response.status_code == 302
    item = past.action_items.get(what="Close the bank account")
    response = client.post(
        reverse("actions:event_action_status", args=[item.pk]), {"status": "done"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


@pytest.mark.parametrize("role", OTHERS)
def test_after_archiving_nobody_else_runs_its_events(client: Any, world: Town, role: str) -> None:
    event = world.events["group"]
    _archive(world)
    client.force_login(world.user(role))
    entries = AuditEntry.objects.count()
    response = client.post(reverse("events:edit", args=[event.pk]), _edit_data(event, "Taken"))
    assert response.status_code == 403
    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Gone"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title != "Taken"
    assert event.cancelled_at is None
    assert AuditEntry.objects.count() == entries


# --- No new event for an archived group ----------------------------------------------------------


def test_the_host_choices_leave_out_an_archived_group(client: Any, world: Town) -> None:
    organiser = world.person(ORGANISER)
    live = GroupFactory(name="Riverside litter pickers", council=world.ward.council)
    _make_organiser(organiser, live)
    client.force_login(organiser)
    body = client.get(reverse("events:new")).content.decode()
    assert f"group:{world.group.pk}" in body
    _archive(world)
    body = client.get(reverse("events:new")).content.decode()
    assert f'value="group:{world.group.pk}"' not in body
    assert f'value="group:{live.pk}"' in body


def test_posting_an_archived_group_as_host_says_why_and_creates_nothing(
    client: Any, world: Town
) -> None:
    organiser = world.person(ORGANISER)
    live = GroupFactory(name="Riverside litter pickers", council=world.ward.council)
    _make_organiser(organiser, live)
    _archive(world)
    client.force_login(organiser)
    response = client.post(reverse("events:new"), _new_event_data(world, f"group:{world.group.pk}"))
    assert response.status_code == 200
    assert "Friends of Riverside park is archived, so it cannot put on new events" in (
        error_summary(response.content.decode())
    )
    assert not Event.objects.filter(title="Litter pick").exists()


def test_an_organiser_of_only_an_archived_group_is_told_why_not(client: Any, world: Town) -> None:
    _archive(world)
    client.force_login(world.user(ORGANISER))
    listing = client.get(reverse("events:list")).content.decode()
    assert "Put on an event" not in listing
    for method in ("get", "post"):
        response = getattr(client, method)(
            reverse("events:new"), _new_event_data(world, f"group:{world.group.pk}")
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("events:list")
        assert "Friends of Riverside park is archived, so it cannot put on new events" in (
            _messages(response)
        )
    assert not Event.objects.filter(title="Litter pick").exists()


# --- No new venue for an archived group ----------------------------------------------------------


def test_an_organiser_of_only_an_archived_group_cannot_add_venues(client: Any, world: Town) -> None:
    client.force_login(world.user(ORGANISER))
    assert "Add a venue" in client.get(reverse("events:venues")).content.decode()
    _archive(world)
    assert "Add a venue" not in client.get(reverse("events:venues")).content.decode()
    response = client.post(reverse("events:venue_new"), _venue_data(group=str(world.group.pk)))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:venues")
    assert "Friends of Riverside park is archived, so venues cannot be added for it" in (
        _messages(response)
    )
    assert not Venue.objects.filter(name="St Mary's hall").exists()


@pytest.mark.parametrize("role", [ORGANISER, "site admin"])
def test_the_venue_form_leaves_out_an_archived_group_and_says_why(
    client: Any, world: Town, role: str
) -> None:
    user = world.person(role)
    _make_organiser(user, world.group)
    live = GroupFactory(name="Riverside litter pickers", council=world.ward.council)
    _make_organiser(user, live)
    _archive(world)
    client.force_login(user)
    body = client.get(reverse("events:venue_new")).content.decode()
    assert f'name="group" type="radio" value="{world.group.pk}"' not in body
    assert f'name="group" type="radio" value="{live.pk}"' in body
    response = client.post(reverse("events:venue_new"), _venue_data(group=str(world.group.pk)))
    assert response.status_code == 200
    assert "Friends of Riverside park is archived, so venues cannot be added for it" in (
        error_summary(response.content.decode())
    )
    assert not Venue.objects.filter(name="St Mary's hall").exists()
    response = client.post(reverse("events:venue_new"), _venue_data(group=str(live.pk)))
    assert response.status_code == 302
    assert Venue.objects.get(name="St Mary's hall").group == live


def test_the_django_admin_adds_no_venue_for_an_archived_group(client: Any, world: Town) -> None:
    _archive(world)
    client.force_login(world.person("site admin"))
    data = {
        "name": "St Mary's hall",
        "council": world.group.council.pk,
        "group": world.group.pk,
        "address": "",
        "postcode": "",
        "accessibility_notes": "",
        "opening_notes": "",
    }
    response = client.post(reverse("admin:events_venue_add"), data)
    assert response.status_code == 200
    assert "Friends of Riverside park is archived, so venues cannot be added for it" in (
        response.content.decode()
    )
    assert not Venue.objects.filter(name="St Mary's hall").exists()
    # A venue the group already has can still be corrected.
    change = reverse("admin:events_venue_change", args=[world.venue.pk])
    form = client.get(change).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "name": "Riverside library (side door)",
            "group": world.group.pk,
            "created_by": world.user(ORGANISER).pk,
        }
    )
    for name in list(data):
        if isinstance(data[name], bool) and not data[name]:
            del data[name]
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.venue.refresh_from_db()
    assert world.venue.name == "Riverside library (side door)"


def test_the_services_tell_an_organiser_why_an_archived_group_gets_nothing_new(
    world: Town,
) -> None:
    """Called directly, the services refuse an archived group's organiser with the reason the
    forms give, and everyone else with PermissionDenied; nothing is created either way."""
    _archive(world)
    organiser = _fresh(world, ORGANISER)
    starts_at = timezone.now() + datetime.timedelta(days=3)
    ends_at = starts_at + datetime.timedelta(hours=1)
    with pytest.raises(ServiceError, match="archived"):
        services.event_create(
            actor=organiser,
            host=world.group,
            title="Picnic",
            description="",
            starts_at=starts_at,
            ends_at=ends_at,
        )
    with pytest.raises(ServiceError, match="archived"):
        services.venue_create(
            actor=organiser, council=world.group.council, group=world.group, name="Scout hut"
        )
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=_fresh(world, "resident"),
            host=world.group,
            title="Picnic",
            description="",
            starts_at=starts_at,
            ends_at=ends_at,
        )
    assert not Event.objects.filter(title="Picnic").exists()
    assert not Venue.objects.filter(name="Scout hut").exists()
