"""Template filters for dates and times in the GOV.UK style (see `grassroots.core.times`).

{% load govuk_dates %}
{{ post.created_at|govuk_datetime }}            4 December 2026 at 1:12pm
{{ event.starts_at|govuk_datetime:"weekday" }}  Friday 4 December 2026 at 1:12pm
{{ event.starts_at|govuk_time }}                1:12pm
"""

from __future__ import annotations

import datetime

from django import template

from grassroots.core import times

register = template.Library()


@register.filter
def govuk_time(value: datetime.datetime | datetime.time | None) -> str:
    return times.govuk_time(value) if value is not None and value != "" else ""


@register.filter
def govuk_date(value: datetime.date | None, arg: str = "") -> str:
    return times.govuk_date(value, weekday=arg == "weekday") if value else ""


@register.filter
def govuk_datetime(value: datetime.datetime | None, arg: str = "") -> str:
    return times.govuk_datetime(value, weekday=arg == "weekday") if value else ""


@register.simple_tag
def govuk_time_range(start: datetime.datetime, end: datetime.datetime) -> str:
    return times.govuk_time_range(start, end)
