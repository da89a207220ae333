"""Times and dates in the GOV.UK style, in Europe/London whatever the season."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.core.times import govuk_date, govuk_datetime, govuk_time, govuk_time_range

UTC = datetime.UTC


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (utc(2026, 12, 4, 13, 12), "1:12pm"),  # GMT in winter: UTC and London agree
        (utc(2026, 12, 4, 10, 0), "10am"),  # on the hour: no ":00"
        (utc(2026, 12, 4, 9, 5), "9:05am"),
        (utc(2026, 12, 4, 12, 0), "midday"),
        (utc(2026, 12, 4, 0, 0), "midnight"),
        (utc(2026, 12, 4, 0, 30), "12:30am"),
        (utc(2026, 12, 4, 12, 30), "12:30pm"),
        (utc(2026, 12, 4, 23, 59), "11:59pm"),
        (utc(2026, 7, 4, 12, 12), "1:12pm"),  # BST in summer: an hour ahead of UTC
        (utc(2026, 7, 4, 11, 0), "midday"),
        (utc(2026, 7, 4, 23, 0), "midnight"),
    ],
)
def test_it_shows_times_the_govuk_way_in_london(moment: datetime.datetime, shown: str) -> None:
    assert govuk_time(moment) == shown


def test_it_follows_the_clocks_on_the_day_they_change() -> None:
    # 29 March 2026: the clocks go forward at 1am GMT, to 2am BST.
    assert govuk_time(utc(2026, 3, 29, 0, 30)) == "12:30am"
    assert govuk_time(utc(2026, 3, 29, 1, 30)) == "2:30am"
    # 25 October 2026: they go back at 2am BST, to 1am GMT; 1:30am happens twice.
    assert govuk_time(utc(2026, 10, 25, 0, 30)) == "1:30am"
    assert govuk_time(utc(2026, 10, 25, 1, 30)) == "1:30am"


def test_it_uses_the_london_date_not_the_utc_one() -> None:
    # 11:30pm UTC on 30 June is already 1 July in London.
    assert govuk_datetime(utc(2026, 6, 30, 23, 30)) == "1 July 2026 at 12:30am"
    assert govuk_date(utc(2026, 6, 30, 23, 30)) == "1 July 2026"


def test_it_can_name_the_day_of_the_week() -> None:
    assert govuk_datetime(utc(2026, 12, 4, 13, 12), weekday=True) == (
        "Friday 4 December 2026 at 1:12pm"
    )


def test_a_plain_time_of_day_works_too() -> None:
    assert govuk_time(datetime.time(17, 30)) == "5:30pm"


def test_a_range_names_the_end_date_only_when_it_is_another_day() -> None:
    assert govuk_time_range(utc(2026, 12, 4, 18, 0), utc(2026, 12, 4, 20, 30)) == "6pm to 8:30pm"
    assert govuk_time_range(utc(2026, 12, 4, 22, 0), utc(2026, 12, 5, 1, 0)) == (
        "10pm to 5 December 2026 at 1am"
    )


def test_the_template_filters_match_and_leave_nothing_for_nothing() -> None:
    template = Template(
        "{% load govuk_dates %}{{ at|govuk_datetime }}|{{ at|govuk_datetime:'weekday' }}|"
        "{{ at|govuk_time }}|{{ at|govuk_date }}|{{ missing|govuk_datetime }}"
        "|{% govuk_time_range at later %}"
    )
    with translation.override("en-gb"):
        out = template.render(
            Context({"at": utc(2026, 12, 4, 13, 12), "later": utc(2026, 12, 4, 14, 0)})
        )
    assert out == (
        "4 December 2026 at 1:12pm|Friday 4 December 2026 at 1:12pm|1:12pm|4 December 2026||"
        "1:12pm to 2pm"
    )


@settings(max_examples=200)
@given(
    day=st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)),
    language=st.sampled_from(["en-gb", "cy"]),
    weekday=st.booleans(),
)
def test_a_date_reads_as_djangos_own_date_format_would_write_it(
    day: datetime.date, language: str, weekday: bool
) -> None:
    # govuk_date builds the text itself, for speed: the same month and day names, in the
    # reader's language, as Django's "j F Y" and "l j F Y".
    with translation.override(language):
        assert govuk_date(day, weekday=weekday) == date_format(
            day, "l j F Y" if weekday else "j F Y"
        )
