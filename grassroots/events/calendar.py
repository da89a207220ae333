"""iCalendar (RFC 5545) files: one event, or a subscribable feed of a ward, group or councillor.

Times are written in UTC (a trailing Z), which every calendar program reads the same way, so no
VTIMEZONE is needed and the clocks changing cannot shift an event. Each event keeps the UID it
was created with; SEQUENCE goes up with every change, and a cancelled event stays in the feed
with STATUS:CANCELLED so subscribed calendars remove it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from grassroots.events.models import Event

PRODID = "-//Grassroots//Community events//EN"


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def uid_of(event: Event) -> str:
    site: str = str(settings.SITE_URL).split("//")[-1].strip("/") or "grassroots"
    return f"{event.uid}@{site}"


def _component(event: Event, stamp: datetime.datetime) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", uid_of(event))
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    item.add("dtend", event.ends_at.astimezone(datetime.UTC))
    item.add("sequence", event.sequence)
    item.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    item.add("created", event.created_at.astimezone(datetime.UTC))
    item.add("summary", event.title)
    item.add("description", event.description)
    item.add("url", _absolute(event.get_absolute_url()))
    if event.venue is not None:
        where = ", ".join(
            p
            for p in (
                event.venue.name,
                event.venue.address.replace("\n", ", "),
                event.venue.postcode,
            )
            if p
        )
        item.add("location", where)
    elif event.online_url:
        item.add("location", event.online_url)
    item.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    item.add("transp", "OPAQUE")
    return item


def build_calendar(events: Iterable[Event], *, name: str) -> bytes:
    """The events as an RFC 5545 calendar (CRLF lines, folded at 75 octets by icalendar)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for event in events:
        calendar.add_component(_component(event, stamp))
    data: bytes = calendar.to_ical()
    return data


def calendar_response(
    events: Iterable[Event], *, name: str, filename: str, public: bool = True
) -> HttpResponse:
    """The calendar file. Only what anybody may see is cacheable by proxies: an event seen
    because of who asks (a safeguarded initiative's, or one a moderator has hidden) is
    `private`, and varies with the session cookie, so no shared cache keeps or serves it."""
    response = HttpResponse(
        build_calendar(events, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if public:
        response["Cache-Control"] = "public, max-age=300"
    else:
        response["Cache-Control"] = "private"
        patch_vary_headers(response, ["Cookie"])
    return response
