"""Dates and times in words, the GOV.UK way, in the site's time zone (Europe/London).

GOV.UK's style guide: "5:30pm", "10am" (no ":00"), "midday" and "midnight" rather than 12pm
and 12am, and "4 December 2026 at 1:12pm". Every page, email and feed uses these, so a time
reads the same everywhere.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _local(value: datetime.datetime) -> datetime.datetime:
    # Aware values are shown in Europe/London, whatever the clocks say (GMT or BST).
    return timezone.localtime(value) if timezone.is_aware(value) else value


def govuk_time(value: datetime.datetime | datetime.time) -> str:
    """'1:12pm', '10am', 'midday' or 'midnight'."""
    moment = _local(value) if isinstance(value, datetime.datetime) else value
    hour, minute = moment.hour, moment.minute
    if minute == 0 and hour == 0:
        return _("midnight")
    if minute == 0 and hour == 12:
        return _("midday")
    twelve = hour % 12 or 12
    clock = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    if hour < 12:
        return pgettext("time of day", "%(clock)sam") % {"clock": clock}
    return pgettext("time of day", "%(clock)spm") % {"clock": clock}


def govuk_date(value: datetime.date, *, weekday: bool = False) -> str:
    """'4 December 2026', or 'Friday 4 December 2026'.

    The same text as `date_format(value, "l j F Y")` (or "j F Y"), with the same translated
    month and day names, made directly: a third of the time."""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    day = f"{value.day} {MONTHS[value.month]} {value.year:04d}"
    return f"{WEEKDAYS[value.weekday()]} {day}" if weekday else day


def govuk_datetime(value: datetime.datetime, *, weekday: bool = False) -> str:
    """'4 December 2026 at 1:12pm', or 'Friday 4 December 2026 at 1:12pm'."""
    moment = _local(value)
    return _("%(date)s at %(time)s") % {
        "date": govuk_date(moment, weekday=weekday),
        "time": govuk_time(moment),
    }


def govuk_time_range(start: datetime.datetime, end: datetime.datetime) -> str:
    """'1pm to 2:30pm' on one day; the end's date is named when it falls on another."""
    first, last = _local(start), _local(end)
    if first.date() == last.date():
        return _("%(start)s to %(end)s") % {"start": govuk_time(first), "end": govuk_time(last)}
    return _("%(start)s to %(end)s") % {
        "start": govuk_time(first),
        "end": govuk_datetime(last),
    }
