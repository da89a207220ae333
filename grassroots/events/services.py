"""Writes for venues, events, RSVPs, minutes and action items.

Each function checks the permission (rules.py), changes state inside one transaction, writes
the audit log and notifies through core.notices.notify (always passing the
initiative of an initiative's event, so a safeguarded one never reaches outsiders).

RSVPs: every change of who is going locks the event row first (select_for_update), so two
people cancelling (or one joining while another leaves) at the same moment are decided one
after the other: the waiting list is promoted in order, and never beyond capacity.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, followers, followers_notify, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.times import govuk_datetime
from grassroots.events.models import (
    Event,
    EventKind,
    Minutes,
    Rsvp,
    RsvpStatus,
    Venue,
)
from grassroots.events.rules import Host, host_of
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council, Councillor, CouncillorTerm, Ward

# The yes/no facts about getting into and around a venue.
VENUE_FACTS = (
    "step_free",
    "accessible_toilet",
    "hearing_loop",
    "parking",
    "public_transport",
    "quiet_room",
)
VENUE_FIELDS = (
    "name",
    "address",
    "postcode",
    "ward",
    *VENUE_FACTS,
    "accessibility_notes",
    "opening_notes",
)
EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity",
    "kind",
)


def archived_host_refusal() -> str:
    """Why an archived group is no choice of host (`%(group)s` is its name)."""
    return _("%(group)s is archived, so it cannot put on new events")


def archived_venue_refusal() -> str:
    """Why venues cannot be added for an archived group (`%(group)s` is its name)."""
    return _("%(group)s is archived, so venues cannot be added for it")


# --- Venues -------------------------------------------------------------------------------------


def venue_create(*, actor: Actor, council: Council, group: Group | None, **fields: Any) -> Venue:
    """A site admin (any group or none) or a group's organiser (for that group) adds a venue.

    An archived group gets no new venues: its organisers are told why, anyone else refused.
    """
    if group is None:
        require(actor, "events.add_shared_venue")
    else:
        if group.archived_at is not None and actor.has_perm("groups.manage_events", group):
            raise ServiceError(archived_venue_refusal() % {"group": group.name})
        require(actor, "events.add_venue", group)
    with transaction.atomic():
        venue = Venue.objects.create(
            council=council,
            group=group,
            created_by=actor,
            **{k: v for k, v in fields.items() if k in VENUE_FIELDS},
        )
        audit_record(
            actor=actor,
            action="events.venue_created",
            obj=venue,
            summary=f"Venue {venue.name} added",
            data={"group": group.pk if group else None},
        )
    return venue


def venue_update(*, actor: Actor, venue: Venue, **fields: Any) -> Venue:
    """Change a venue's details (its accessibility facts most of all)."""
    require(actor, "events.change_venue", venue)
    with transaction.atomic():
        changed = []
        for name, value in fields.items():
            if name in VENUE_FIELDS and getattr(venue, name) != value:
                setattr(venue, name, value)
                changed.append(name)
        if changed:
            venue.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=actor,
                action="events.venue_updated",
                obj=venue,
                summary=f"Venue {venue.name} changed: {', '.join(changed)}",
                data={"fields": changed},
            )
    return venue


# --- Events -------------------------------------------------------------------------------------


def _host_kwargs(host: Host) -> dict[str, Any]:
    if isinstance(host, Group):
        return {"group": host}
    if isinstance(host, Initiative):
        return {"initiative": host}
    if isinstance(host, Ward):
        return {"ward": host}
    return {"councillor": host}


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise ServiceError(_("The end must be after the start"))
    if starts_at < timezone.now():
        raise ServiceError(_("The start must be in the future"))


def event_create(
    *,
    actor: Actor,
    host: Host,
    title: str,
    description: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    venue: Venue | None = None,
    online_url: str = "",
    capacity: int | None = None,
    kind: str = EventKind.MEETING,
) -> Event:
    """A host puts on an event (a councillor hosting is holding a surgery); the host's
    followers hear of it. An archived group puts on no new events: its organisers are told
    why, anyone else refused."""
    if (
        isinstance(host, Group)
        and host.archived_at is not None
        and actor.has_perm("groups.manage_events", host)
    ):
        raise ServiceError(archived_host_refusal() % {"group": host.name})
    require(actor, "events.host_event", host)
    _check_times(starts_at, ends_at)
    if venue is None and not online_url:
        raise ServiceError(_("Choose a venue or give an online link, or both"))
    # A surgery is a councillor's own event, and a councillor's event is a surgery.
    kind = EventKind.SURGERY if isinstance(host, Councillor) else kind
    if kind == EventKind.SURGERY and not isinstance(host, Councillor):
        kind = EventKind.MEETING
    with transaction.atomic():
        event = Event.objects.create(
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            online_url=online_url,
            capacity=capacity,
            kind=kind,
            created_by=actor,
            **_host_kwargs(host),
        )
        audit_record(
            actor=actor,
            action="events.event_created",
            obj=event,
            summary=f"Event {event.title} created",
            data={"host": f"{type(host).__name__.lower()}:{host.pk}"},
        )
        local = timezone.localtime(event.starts_at)
        _tell_followers(
            event,
            actor=actor,
            text=_("New event from %(host)s: %(title)s, %(when)s")
            % {
                "host": host_label(event),
                "title": event.title,
                "when": govuk_datetime(local, weekday=True),
            },
        )
    return event


def _tell_followers(
    event: Event, *, actor: Actor, text: str, told: Iterable[User | None] = ()
) -> None:
    """The followers of the event's host hear of it (`Kind.FOLLOWING`), each person once.

    Who follows what: a group's event reaches the group's followers and its wards' followers;
    an initiative's event, the initiative's and its wards' followers; a ward's event, the
    ward's followers; a councillor's surgery, the followers of the wards they represent today.
    Wherever the host is, the followers of the venue's ward hear of it too: it is on their
    doorstep.
    Never the actor nor anyone in `told` (already told some other way). A hidden event, or one
    of a hidden initiative, makes no news; `notify()` drops anyone outside a safeguarded one.
    A bounded number of queries, however many followers there are.
    """
    if event.hidden_at is not None:
        return
    already = [person for person in told if person is not None]
    skip = {person.pk for person in already}
    url = event.get_absolute_url()
    venue = event.venue
    venue_ward_id = venue.ward_id if venue is not None else None
    initiative = event.initiative
    if initiative is not None:
        if initiative.hidden_at is None:
            followers_notify(
                initiative=initiative,
                text=text,
                url=url,
                exclude=already,
                also_ward=venue_ward_id,
                actor=actor,
            )
        return
    if event.group is not None:
        group = event.group
        group_wards: list[Any] = list(group.wards.values_list("pk", flat=True))
        if venue_ward_id is not None:
            group_wards.append(venue_ward_id)
        people = followers(group=group, wards=group_wards)
        notify(
            recipients=people.exclude(pk__in=skip),
            kind=Kind.FOLLOWING,
            text=text,
            url=url,
            group=group,
            exclude=actor,
            actor=actor,
        )
        return
    wards: list[Ward] = []
    if event.ward is not None:
        wards = [event.ward]
    elif event.councillor is not None:
        # A surgery: each ward the councillor represents today, its followers told once.
        wards = list(
            Ward.objects.filter(
                pk__in=CouncillorTerm.objects.current(timezone.localdate())
                .filter(councillor=event.councillor)
                .values("ward_id")
            ).order_by("name", "pk")
        )
    if venue is not None and venue.ward is not None and venue.ward not in wards:
        wards.append(venue.ward)
    for ward in wards:
        nearby = list(followers(ward=ward).exclude(pk__in=skip))
        notify(
            recipients=nearby,
            kind=Kind.FOLLOWING,
            text=text,
            url=url,
            ward=ward,
            exclude=actor,
            actor=actor,
        )
        skip.update(person.pk for person in nearby)


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _going_count(event: Event) -> int:
    return Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).count()


def _promote(event: Event, actor: Actor) -> list[Rsvp]:
    """Fill free places from the waiting list, first come first served (event row locked)."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - _going_count(event)
        if free <= 0:
            return []
    waiting = Rsvp.objects.select_for_update().filter(event=event, status=RsvpStatus.WAITING)
    chosen = list(waiting.order_by("joined_list_at", "pk")[:free] if free is not None else waiting)
    for rsvp in chosen:
        rsvp.status = RsvpStatus.GOING
        rsvp.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=None,
            action="events.rsvp_promoted",
            obj=rsvp,
            summary=f"User {rsvp.user_id} moved from the waiting list to going",
            data={"event": event.pk},
        )
    if chosen:
        notify(
            recipients=[
                r.user
                for r in Rsvp.objects.filter(pk__in=[r.pk for r in chosen]).select_related("user")
            ],
            kind=Kind.EVENT,
            text=_("A place came up: you're going to %(title)s") % {"title": event.title},
            url=event.get_absolute_url(),
            initiative=event.initiative,
            exclude=actor,
        )
    return chosen


def event_update(*, actor: Actor, event: Event, **fields: Any) -> Event:
    """Change an event. Its calendar UID stays; SEQUENCE goes up so calendars take the change.

    Raising the capacity promotes people from the waiting list.
    """
    require(actor, "events.change_event", event)
    with transaction.atomic():
        event = _lock(event)
        if event.cancelled_at is not None:
            raise ServiceError(_("This event has been cancelled and cannot be changed"))
        values = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
        if event.councillor_id is not None:
            values["kind"] = EventKind.SURGERY
        elif values.get("kind") == EventKind.SURGERY:
            values["kind"] = event.kind
        starts_at = values.get("starts_at", event.starts_at)
        ends_at = values.get("ends_at", event.ends_at)
        if ends_at <= starts_at:
            raise ServiceError(_("The end must be after the start"))
        if starts_at != event.starts_at and starts_at < timezone.now():
            raise ServiceError(_("The start must be in the future"))
        venue = values.get("venue", event.venue)
        online_url = values.get("online_url", event.online_url)
        if venue is None and not online_url:
            raise ServiceError(_("Choose a venue or give an online link, or both"))
        capacity = values.get("capacity", event.capacity)
        going = _going_count(event)
        if capacity is not None and capacity < going:
            raise ServiceError(
                _("Places must be at least %(going)s, the number of people already going")
                % {"going": going}
            )
        changed = [name for name, value in values.items() if getattr(event, name) != value]
        if not changed:
            return event
        for name in changed:
            setattr(event, name, values[name])
        event.sequence += 1
        update = [*changed, "sequence", "updated_at"]
        if "starts_at" in changed:
            event.reminder_sent_at = None  # a new date deserves a new reminder
            update.append("reminder_sent_at")
        event.save(update_fields=update)
        audit_record(
            actor=actor,
            action="events.event_updated",
            obj=event,
            summary=f"Event {event.title} changed: {', '.join(changed)}",
            data={"fields": changed, "sequence": event.sequence},
        )
        if "capacity" in changed:
            _promote(event, actor)
        if set(changed) & {"starts_at", "ends_at", "venue", "online_url"}:
            _tell_of_change(event, actor)
    return event


def _going_or_waiting(event: Event) -> list[User]:
    """Everyone with a place or on the waiting list: who hears of a change or cancellation."""
    rsvps = Rsvp.objects.filter(event=event, status__in=[RsvpStatus.GOING, RsvpStatus.WAITING])
    return [r.user for r in rsvps.select_related("user")]


def _tell_of_change(event: Event, actor: Actor) -> None:
    """Everyone going or waiting hears when the time or the place changes."""
    people = _going_or_waiting(event)
    local = timezone.localtime(event.starts_at)
    notify(
        recipients=people,
        kind=Kind.EVENT,
        text=_("Changed: %(title)s is now on %(when)s")
        % {
            "title": event.title,
            "when": govuk_datetime(local, weekday=True),
        },
        url=event.get_absolute_url(),
        initiative=event.initiative,
        exclude=actor,
    )


def event_cancel(*, actor: Actor, event: Event, reason: str) -> Event:
    """Cancel an event and tell everyone going or waiting, and the host's followers."""
    require(actor, "events.cancel_event", event)
    with transaction.atomic():
        event = _lock(event)
        if event.cancelled_at is not None:
            raise ServiceError(_("This event has already been cancelled"))
        event.cancelled_at = timezone.now()
        event.cancel_reason = reason
        event.sequence += 1
        event.save(update_fields=["cancelled_at", "cancel_reason", "sequence", "updated_at"])
        audit_record(
            actor=actor,
            action="events.event_cancelled",
            obj=event,
            summary=f"Event {event.title} cancelled",
            data={"reason": reason},
        )
        people = _going_or_waiting(event)
        local = timezone.localtime(event.starts_at)
        text = _("Cancelled: %(title)s on %(date)s") % {
            "title": event.title,
            "date": dateformat.format(local, "j F Y"),
        }
        notify(
            recipients=people,
            kind=Kind.EVENT,
            text=text,
            url=event.get_absolute_url(),
            initiative=event.initiative,
            exclude=actor,
        )
        # Followers of the host who had not replied hear of it too (the others just did).
        _tell_followers(event, actor=actor, text=text, told=people)
    return event


# --- RSVPs --------------------------------------------------------------------------------------


def rsvp_going(*, user: Actor, event: Event) -> Rsvp:
    """Say you're going; when the event is full you join the end of the waiting list."""
    require(user, "events.rsvp", event)
    with transaction.atomic():
        event = _lock(event)
        if event.cancelled_at is not None:
            raise ServiceError(_("This event has been cancelled"))
        if event.ends_at <= timezone.now():
            raise ServiceError(_("This event has already happened"))
        rsvp = Rsvp.objects.select_for_update().filter(event=event, user=user).first()
        if rsvp is not None and rsvp.status in (RsvpStatus.GOING, RsvpStatus.WAITING):
            return rsvp
        full = event.capacity is not None and _going_count(event) >= event.capacity
        status = RsvpStatus.WAITING if full else RsvpStatus.GOING
        now = timezone.now()
        if rsvp is None:
            try:
                with transaction.atomic():
                    rsvp = Rsvp.objects.create(
                        event=event, user=user, status=status, joined_list_at=now
                    )
            except IntegrityError as error:  # the same person twice at once
                raise ServiceError(_("You have already replied to this event")) from error
        else:
            rsvp.status = status
            rsvp.joined_list_at = now
            rsvp.save(update_fields=["status", "joined_list_at", "updated_at"])
        audit_record(
            actor=user,
            action="events.rsvp_" + status,
            obj=rsvp,
            summary=f"User {user.pk} {status} for event {event.pk}",
            data={"event": event.pk},
        )
    return rsvp


def rsvp_cancel(*, user: Actor, event: Event) -> Rsvp | None:
    """Say you're no longer going (or leave the waiting list); a freed place is filled at once."""
    require(user, "events.rsvp", event)
    with transaction.atomic():
        event = _lock(event)
        rsvp = Rsvp.objects.select_for_update().filter(event=event, user=user).first()
        if rsvp is None or rsvp.status == RsvpStatus.CANCELLED:
            return rsvp
        was = rsvp.status
        rsvp.status = RsvpStatus.CANCELLED
        rsvp.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=user,
            action="events.rsvp_cancelled",
            obj=rsvp,
            summary=f"User {user.pk} no longer {was} for event {event.pk}",
            data={"event": event.pk, "was": was},
        )
        if was == RsvpStatus.GOING and event.cancelled_at is None:
            _promote(event, user)
    return rsvp


# --- After the meeting --------------------------------------------------------------------------


def minutes_save(*, actor: Actor, event: Event, text: str, decisions: str) -> Minutes:
    """Write (or correct) the minutes and decisions of a meeting that has started."""
    require(actor, "events.write_minutes", event)
    if event.starts_at > timezone.now():
        raise ServiceError(_("Minutes can be written once the event has started"))
    with transaction.atomic():
        minutes, created = Minutes.objects.select_for_update().get_or_create(
            event=event, defaults={"text": text, "decisions": decisions, "written_by": actor}
        )
        if not created:
            minutes.text, minutes.decisions, minutes.written_by = text, decisions, actor
            minutes.save(update_fields=["text", "decisions", "written_by", "updated_at"])
        audit_record(
            actor=actor,
            action="events.minutes_saved",
            obj=minutes,
            summary=f"Minutes of event {event.pk} {'written' if created else 'changed'}",
            data={"event": event.pk},
        )
    return minutes


# --- Reminders ----------------------------------------------------------------------------------


def event_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Email everyone going to events starting in the next 24 hours, once per event.

    Safe to run as often as you like: each event is claimed with a conditional update of
    reminder_sent_at, so two runs at once never remind twice. Returns events reminded.
    """
    now = now or timezone.now()
    due = Event.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(hours=24),
        cancelled_at__isnull=True,
        hidden_at__isnull=True,
        reminder_sent_at__isnull=True,
    ).select_related("initiative", "venue")
    sent = 0
    for event in due:
        with transaction.atomic():
            claimed = Event.objects.filter(pk=event.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            going = [
                r.user
                for r in Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).select_related(
                    "user"
                )
            ]
            local = timezone.localtime(event.starts_at)
            where = event.venue.name if event.venue else _("online")
            notify(
                recipients=going,
                kind=Kind.EVENT_REMINDER,
                text=_("Reminder: %(title)s, %(when)s at %(where)s")
                % {
                    "title": event.title,
                    "when": govuk_datetime(local, weekday=True),
                    "where": where,
                },
                url=event.get_absolute_url(),
                initiative=event.initiative,
            )
            sent += 1
    return sent


def host_label(event: Event) -> str:
    """Who is putting the event on, in words."""
    host = host_of(event)
    if isinstance(host, Ward):
        return _("Councillors for %(ward)s ward") % {"ward": host.name}
    if isinstance(host, Councillor):
        return _("Councillor %(name)s") % {"name": host.name}
    return str(host)
