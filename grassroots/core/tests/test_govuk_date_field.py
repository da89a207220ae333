"""The shared GOV.UK date input: three boxes, clear messages, the right box marked."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from grassroots.core.forms import GovukBoundDate, GovukDateField


class WhenForm(forms.Form):
    when = GovukDateField(
        label="Date of the meeting", name="Date of the meeting", required_message="Enter the date"
    )


class FutureForm(forms.Form):
    when = GovukDateField(
        label="Date of the meeting",
        name="Date of the meeting",
        required_message="Enter the date",
        future_only=True,
    )


def _post(day: object, month: object, year: object) -> dict[str, object]:
    return {"when_0": day, "when_1": month, "when_2": year}


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        (("27", "3", "2027"), datetime.date(2027, 3, 27)),
        ((" 07 ", "03", "2027"), datetime.date(2027, 3, 7)),
        (("27", "March", "2027"), datetime.date(2027, 3, 27)),
        (("27", "mar", "2027"), datetime.date(2027, 3, 27)),
        (("29", "2", "2028"), datetime.date(2028, 2, 29)),
    ],
)
def test_it_reads_what_people_type(boxes: tuple[str, str, str], expected: datetime.date) -> None:
    form = WhenForm(_post(*boxes))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == expected


@pytest.mark.parametrize(
    ("boxes", "message", "bad_boxes"),
    [
        (("", "", ""), "Enter the date", [0, 1, 2]),
        (("27", "", "2027"), "Date of the meeting must include a month", [1]),
        (("", "3", "2027"), "Date of the meeting must include a day", [0]),
        (("27", "3", ""), "Date of the meeting must include a year", [2]),
        (("27", "", ""), "Date of the meeting must include a month and year", [1, 2]),
        (("31", "2", "2027"), "Date of the meeting must be a real date", [0, 1]),
        (("29", "2", "2027"), "Date of the meeting must be a real date", [0, 1]),
        (("32", "1", "2027"), "Date of the meeting must be a real date", [0]),
        (("1", "13", "2027"), "Date of the meeting must be a real date", [1]),
        (("one", "1", "2027"), "Date of the meeting must be a real date", [0]),
        (("1", "1", "twenty"), "Date of the meeting must be a real date", [2]),
        (("1", "1", "27"), "Year must include 4 numbers", [2]),
        (("1", "1", "02027"), "Year must include 4 numbers", [2]),
        (("0", "0", "2027"), "Date of the meeting must be a real date", [0, 1]),
        (("-1", "1", "2027"), "Date of the meeting must be a real date", [0]),
        (("١", "1", "2027"), "Date of the meeting must be a real date", [0]),
    ],
)
def test_bad_dates_get_a_clear_message_and_mark_the_right_boxes(
    boxes: tuple[str, str, str], message: str, bad_boxes: list[int]
) -> None:
    form = WhenForm(_post(*boxes))
    assert not form.is_valid()
    assert form.errors["when"] == [message]
    html = str(form["when"].as_field_group())
    marked = re.findall(r'id="id_when_(\d)"[^>]*govuk-input--error', html)
    assert [int(n) for n in marked] == bad_boxes
    bound = form["when"]
    assert isinstance(bound, GovukBoundDate)
    assert bound.error_anchor == f"id_when_{bad_boxes[0]}"


def test_a_missing_post_is_the_same_as_empty_boxes() -> None:
    form = WhenForm({})
    assert not form.is_valid()
    assert form.errors["when"] == ["Enter the date"]


def test_an_optional_date_may_be_left_empty() -> None:
    class Optional(forms.Form):
        when = GovukDateField(label="When", name="Date", required_message="x", required=False)

    form = Optional(_post("", "", ""))
    assert form.is_valid()
    assert form.cleaned_data["when"] is None


def test_a_future_only_date_refuses_today_and_the_past() -> None:
    today = timezone.localdate()
    for day in (today, today - datetime.timedelta(days=400)):
        form = FutureForm(_post(day.day, day.month, day.year))
        assert form.errors["when"] == ["Date of the meeting must be in the future"]
    tomorrow = today + datetime.timedelta(days=1)
    assert FutureForm(_post(tomorrow.day, tomorrow.month, tomorrow.year)).is_valid()


def test_it_renders_the_govuk_pattern_with_the_saved_date() -> None:
    form = WhenForm(initial={"when": datetime.date(2027, 3, 27)})
    html = str(form["when"].as_field_group())
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_when-hint">' in html
    assert "Date of the meeting</legend>" in html
    assert "For example, 27 3 2027" in html
    for index, (label, value) in enumerate([("Day", 27), ("Month", 3), ("Year", 2027)]):
        assert f'for="id_when_{index}">{label}</label>' in html
        assert re.search(rf'name="when_{index}" value="{value}"', html)
    assert "govuk-input--error" not in html


def test_the_error_summary_links_to_the_first_box_with_a_problem() -> None:
    form = WhenForm(_post("27", "", ""))
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert 'href="#id_when_1"' in html
    field = render_to_string("includes/field.html", {"field": form["when"]})
    assert 'id="id_when-error"' in field
    assert 'aria-describedby="id_when-hint id_when-error"' in field
