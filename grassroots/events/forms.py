"""Forms for venues and events, with plain-English GOV.UK error messages.

Times are typed as UK wall-clock times (Europe/London) and turned into aware datetimes here.
Twice a year that needs care: on the last Sunday of March 01:00 to 01:59 does not exist (the clocks
go forward), and on the last Sunday of October 01:00 to 01:59 happens twice (they go back). The
first is refused with a message saying so; for the second we ask which one is meant.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, GovukDateField, PlainTextField
from grassroots.events.models import EventKind, Venue
from grassroots.events.services import VENUE_FIELDS
from grassroots.places.models import Ward

LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
EARLIER, LATER = "earlier", "later"


def parse_time(text: str) -> datetime.time | None:
    """'10:00', '9.30', '18:30', '6:30pm', '10am' → a time; None if it is not one."""
    match = _TIME.match(text.strip().replace(" ", ""))
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def exists_locally(value: datetime.datetime) -> bool:
    """False for a wall-clock time skipped when the clocks go forward."""
    round_trip = value.astimezone(datetime.UTC).astimezone(LONDON)
    return round_trip.replace(tzinfo=None) == value.replace(tzinfo=None, fold=0)


def is_ambiguous(value: datetime.datetime) -> bool:
    """True for a wall-clock time that happens twice when the clocks go back."""
    first, second = value.replace(fold=0), value.replace(fold=1)
    return exists_locally(first) and first.utcoffset() != second.utcoffset()


class ExplainedChoiceField(forms.ChoiceField):
    """A choice field that says why a value left out of its choices was refused (for example,
    an archived group posted from a page opened before the group was archived), instead of
    the field's general "select one" message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusals: dict[str, str] = {}

    def validate(self, value: Any) -> None:
        reason = self.refusals.get(str(value)) if value not in self.empty_values else None
        if reason is not None:
            raise forms.ValidationError(reason, code="refused_choice")
        super().validate(value)


def _time_field(label: Any, required: Any) -> forms.CharField:
    return PlainTextField(
        label=label,
        max_length=10,
        help_text=_("Use the 24-hour clock, for example 10:00 or 18:30"),
        error_messages={"required": required, "max_length": _("Enter a time like 18:30")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )


class EventForm(CleanTextMixin, forms.Form):
    """Create or change an event. `hosts` are (value, label) choices when creating."""

    host = ExplainedChoiceField(
        label=_("Who is putting it on?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who is putting on the event"),
            "invalid_choice": _("Select who is putting on the event"),
        },
    )
    kind = forms.ChoiceField(
        label=_("Type of event"),
        choices=[
            (EventKind.MEETING.value, EventKind.MEETING.label),
            (EventKind.ACTIVITY.value, EventKind.ACTIVITY.label),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("A councillor's own event is always a surgery."),
        error_messages={"invalid_choice": _("Select the type of event")},
    )
    title = PlainTextField(
        label=_("Title"),
        max_length=150,
        error_messages={
            "required": _("Enter a title"),
            "max_length": _("Title must be 150 characters or fewer"),
        },
    )
    description = PlainTextField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What will happen, who it is for and anything people should bring."),
        error_messages={
            "required": _("Enter a description"),
            "max_length": _("Description must be 5000 characters or fewer"),
        },
    )
    date = GovukDateField(
        label=_("Date"),
        name=_("Date"),
        required_message=_("Enter the date of the event"),
        not_before_today=True,
    )
    start_time = _time_field(_("Start time"), _("Enter a start time"))
    end_time = _time_field(_("End time"), _("Enter an end time"))
    clock_change = forms.ChoiceField(
        label=_("Which one do you mean?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (EARLIER, _("The first one, before the clocks go back (British Summer Time)")),
            (LATER, _("The second one, after the clocks go back (Greenwich Mean Time)")),
        ],
        error_messages={"invalid_choice": _("Select which time you mean")},
    )
    venue = forms.ModelChoiceField(
        label=_("Venue (optional if the event is online)"),
        queryset=Venue.objects.none(),
        required=False,
        empty_label=_("No venue: online only"),
        error_messages={"invalid_choice": _("Select a venue from the list")},
    )
    online_url = forms.URLField(
        label=_("Online link (optional if there is a venue)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("For example, https://meet.example.org/brookmere"),
        error_messages={
            "invalid": _(
                "Enter the online link in the right format, like https://meet.example.org/brookmere"
            ),
            "max_length": _("Online link must be 200 characters or fewer"),
        },
    )
    capacity = forms.IntegerField(
        label=_("Number of places (optional)"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Leave empty if there is no limit."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": _("Number of places must be a whole number, like 30"),
            "min_value": _("Number of places must be 1 or more"),
            "max_value": _("Number of places must be 100000 or fewer"),
        },
    )

    def __init__(
        self,
        *args: Any,
        hosts: list[tuple[str, str]] | None = None,
        refused_hosts: dict[str, str] | None = None,
        venues: Any = None,
        going: int = 0,
        original_start: datetime.datetime | None = None,
        surgery: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if surgery:
            del self.fields["kind"]
        self.going = going
        self.original_start = original_start
        self.ambiguous = False
        if hosts is None:
            del self.fields["host"]
        else:
            host_field = self.fields["host"]
            assert isinstance(host_field, ExplainedChoiceField)
            host_field.choices = hosts
            host_field.refusals = dict(refused_hosts or {})
        venue_field = self.fields["venue"]
        assert isinstance(venue_field, forms.ModelChoiceField)
        venue_field.queryset = venues if venues is not None else Venue.objects.all()
        if original_start is not None:
            # Changing an event that has begun keeps its date; only the future is refused.
            date_field = self.fields["date"]
            assert isinstance(date_field, GovukDateField)
            date_field.not_before_today = False

    def _local(
        self, day: datetime.date, time: datetime.time, field: str
    ) -> datetime.datetime | None:
        naive = datetime.datetime.combine(day, time)
        value = naive.replace(tzinfo=LONDON)
        shown = time.strftime("%H:%M")
        when = date_format(day, "j F Y")
        if not exists_locally(value):
            self.add_error(
                field,
                _(
                    "%(time)s does not exist on %(date)s: the clocks go forward an hour at 1am. "
                    "Enter a time from 02:00"
                )
                % {"time": shown, "date": when},
            )
            return None
        if is_ambiguous(value):
            self.ambiguous = True
            choice = self.cleaned_data.get("clock_change")
            if not choice:
                self.add_error(
                    "clock_change",
                    _(
                        "%(time)s happens twice on %(date)s because the clocks go back an hour "
                        "at 2am. Select which one you mean"
                    )
                    % {"time": shown, "date": when},
                )
                return None
            value = value.replace(fold=0 if choice == EARLIER else 1)
        return value.astimezone(datetime.UTC)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day = cleaned.get("date")
        times: dict[str, datetime.time] = {}
        for name, label in (("start_time", _("start time")), ("end_time", _("end time"))):
            text = cleaned.get(name)
            if text:
                parsed = parse_time(text)
                if parsed is None:
                    self.add_error(
                        name,
                        _("Enter the %(label)s as a time like 18:30") % {"label": label},
                    )
                else:
                    times[name] = parsed
        if isinstance(day, datetime.date) and len(times) == 2:
            starts = self._local(day, times["start_time"], "start_time")
            ends = self._local(day, times["end_time"], "end_time")
            original = self.original_start
            if original is not None and starts == original.replace(second=0, microsecond=0):
                starts = original  # unchanged (stored times may carry seconds)
            if starts is not None and ends is not None:
                if ends <= starts:
                    self.add_error("end_time", _("The end time must be after the start time"))
                elif starts < timezone.now() and starts != self.original_start:
                    self.add_error("start_time", _("The start time must be in the future"))
                else:
                    cleaned["starts_at"], cleaned["ends_at"] = starts, ends
        if (
            not cleaned.get("venue")
            and not cleaned.get("online_url")
            and "online_url" not in self.errors
        ):
            self.add_error("venue", _("Choose a venue or enter an online link, or both"))
        capacity = cleaned.get("capacity")
        if capacity is not None and capacity < self.going:
            self.add_error(
                "capacity",
                _("Number of places must be at least %(going)s, as %(going)s people are going")
                % {"going": self.going},
            )
        return cleaned

    @staticmethod
    def initial_for(event: Any) -> dict[str, Any]:
        starts = timezone.localtime(event.starts_at)
        ends = timezone.localtime(event.ends_at)
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "date": starts.date(),
            "start_time": starts.strftime("%H:%M"),
            "end_time": ends.strftime("%H:%M"),
            "clock_change": EARLIER if starts.fold == 0 else LATER,
            "venue": event.venue_id,
            "online_url": event.online_url,
            "capacity": event.capacity,
        }


class CancelForm(CleanTextMixin, forms.Form):
    reason = PlainTextField(
        label=_("Why is it cancelled?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone going or on the waiting list is told."),
        error_messages={
            "required": _("Enter why the event is cancelled"),
            "max_length": _("Reason must be 1000 characters or fewer"),
        },
    )


class MinutesForm(CleanTextMixin, forms.Form):
    text = PlainTextField(
        label=_("Minutes"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Who came, what was discussed and what happens next."),
        error_messages={
            "required": _("Enter the minutes"),
            "max_length": _("Minutes must be 20000 characters or fewer"),
        },
    )
    decisions = PlainTextField(
        label=_("Decisions (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Decisions must be 5000 characters or fewer")},
    )


class VenueForm(CleanTextMixin, forms.ModelForm[Venue]):
    group = ExplainedChoiceField(
        label=_("Which group is adding it?"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select one of your groups")},
    )

    class Meta:
        model = Venue
        fields = list(VENUE_FIELDS)
        labels = {"ward": _("Ward (optional)")}
        error_messages = {
            "name": {
                "required": _("Enter the name of the venue"),
                "max_length": _("Name must be 150 characters or fewer"),
            },
            "postcode": {"max_length": _("Enter a real postcode, like GR1 2AB")},
            "ward": {"invalid_choice": _("Select a ward from the list")},
        }

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[str, str]] | None = None,
        refused_groups: dict[str, str] | None = None,
        wards: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["group"]
        else:
            group_field = self.fields["group"]
            assert isinstance(group_field, ExplainedChoiceField)
            group_field.choices = groups
            group_field.refusals = dict(refused_groups or {})
            self.fields["group"].required = not any(value == "" for value, _label in groups)
            self.fields["group"].error_messages["required"] = _("Select which group is adding it")
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ModelChoiceField)
        ward_field.queryset = wards if wards is not None else Ward.objects.current()
        for name in ("address", "accessibility_notes", "opening_notes"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 3})
            message = _("%(field)s must be 2000 characters or fewer") % {
                "field": str(self.fields[name].label).capitalize()
            }
            self.fields[name].validators.append(MaxLengthValidator(2000, message=message))
