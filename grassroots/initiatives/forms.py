"""Forms for starting and running an initiative, with plain-English messages."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import (
    ChooseFilesAgainMixin,
    GovukDateField,
    no_control_characters,
    text_field,
)
from grassroots.core.images import ImageUploadField
from grassroots.initiatives.models import NeedKind, Theme, Visibility
from grassroots.places.models import Ward
from grassroots.places.selectors import Location

MAX_TEXT = 5000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_PENCE = 1_000_000_000  # £10 million: far above any community need, well inside the column
# Where the map picker opens when it knows nothing nearer: [[south, west], [north, east]].
GREAT_BRITAIN = [[49.9, -8.2], [58.7, 1.8]]


class InitiativeForm(forms.Form):
    title = text_field(
        _("Title"),
        _("Enter a title"),
        _("Title must be 150 characters or fewer"),
        150,
        help_text=_("A short name people will recognise, like “Save the Brook Street garden”."),
    )
    problem = text_field(
        _("The problem"),
        _("Describe the problem"),
        _("The problem must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong now, and who notices it."),
    )
    change_wanted = text_field(
        _("What you want to change"),
        _("Describe what you want to change"),
        _("What you want to change must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    who_for = text_field(
        _("Who it is for"),
        _("Say who it is for"),
        _("Who it is for must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=Theme.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a theme"),
            "invalid_choice": _("Choose a theme"),
        },
    )
    wards = forms.ModelMultipleChoiceField(
        label=_("Wards"),
        queryset=Ward.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every ward the initiative is in."),
        error_messages={
            "invalid_choice": _("Choose wards from the list"),
            "invalid_pk_value": _("Choose wards from the list"),
        },
    )
    area_description = text_field(
        _("Area (optional)"),
        "",
        _("Area must be 200 characters or fewer"),
        200,
        required=False,
        help_text=_("For example, the streets around the park."),
    )
    place = text_field(
        _("Postcode or place (optional)"),
        "",
        _("Postcode or place must be 200 characters or fewer"),
        200,
        required=False,
        help_text=_(
            "A postcode puts the initiative on the map and finds its ward. "
            "A place name, like “the library car park”, is shown as it is."
        ),
    )
    latitude = forms.FloatField(
        label=_("Latitude (optional)"),
        required=False,
        help_text=_("If you know the exact point, for example 52.4862."),
        error_messages={"invalid": _("Enter the latitude as a number, like 52.4862")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude (optional)"),
        required=False,
        help_text=_("For example -1.8904."),
        error_messages={"invalid": _("Enter the longitude as a number, like -1.8904")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=[
            (
                Visibility.PUBLIC,
                _("Public: anybody can see it, back it and ask to join"),
            ),
            (
                Visibility.SAFEGUARDED,
                _(
                    "Safeguarded: only its members and the councillors supporting it can see "
                    "that it exists (for example on domestic abuse or mental health)"
                ),
            ),
        ],
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who can see it"),
            "invalid_choice": _("Choose who can see it"),
        },
    )

    def __init__(self, *args: Any, wards: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["wards"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = wards if wards is not None else Ward.objects.none()
        self.ward_list: list[Ward] = []
        self.location_text = ""
        self.place_checked = False

    @property
    def has_ward_choices(self) -> bool:
        field = self.fields["wards"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if not hasattr(self, "_has_ward_choices"):
            self._has_ward_choices = field.queryset is not None and field.queryset.exists()
        return self._has_ward_choices

    @cached_property
    def map_picker(self) -> dict[str, Any] | None:
        """What the optional map for choosing the point needs; None without a tile server.

        It opens on the point already given, else on the wards chosen, else on all the wards
        offered (the user's council area), else on Great Britain.
        """
        if not settings.MAP_TILE_URL:
            return None
        point = self._point_given()
        return {
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "point": point,
            "bounds": None if point else (self._wards_bounds() or GREAT_BRITAIN),
        }

    def _point_given(self) -> list[float] | None:
        try:
            lat = float(self["latitude"].value())
            lon = float(self["longitude"].value())
        except (TypeError, ValueError):
            return None
        return [lat, lon] if 49 <= lat <= 61 and -9 <= lon <= 2.5 else None

    def _wards_bounds(self) -> list[list[float]] | None:
        field = self.fields["wards"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if field.queryset is None:
            return None
        value = self["wards"].value() or []
        chosen = [int(v) for v in value if str(v).isdigit()]
        places = [field.queryset.filter(pk__in=chosen)] if chosen else []
        for wards in [*places, field.queryset]:
            box = wards.aggregate(
                south=Min("min_lat"), west=Min("min_lon"), north=Max("max_lat"), east=Max("max_lon")
            )
            if None not in box.values():
                return [[box["south"], box["west"]], [box["north"], box["east"]]]
        return None

    @property
    def ward_error_field(self) -> str:
        """Where to show a problem with the wards chosen (the ward list may be empty)."""
        return "wards" if self.has_ward_choices else "place"

    def _clean_text(self, name: str) -> str:
        value: str = self.cleaned_data.get(name, "")
        return no_control_characters(value, _("Remove the unusual characters from this answer"))

    def clean_title(self) -> str:
        return self._clean_text("title")

    def clean_problem(self) -> str:
        return self._clean_text("problem")

    def clean_change_wanted(self) -> str:
        return self._clean_text("change_wanted")

    def clean_who_for(self) -> str:
        return self._clean_text("who_for")

    def clean_latitude(self) -> float | None:
        value: float | None = self.cleaned_data.get("latitude")
        if value is not None and not 49 <= value <= 61:
            raise forms.ValidationError(_("Latitude must be between 49 and 61 (Great Britain)"))
        return value

    def clean_longitude(self) -> float | None:
        value: float | None = self.cleaned_data.get("longitude")
        if value is not None and not -9 <= value <= 2.5:
            raise forms.ValidationError(_("Longitude must be between -9 and 2.5 (Great Britain)"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        self.place_checked = True
        if "latitude" in data and "longitude" in data and (lat is None) != (lon is None):
            missing = "longitude" if lon is None else "latitude"
            self.add_error(missing, _("Enter both the latitude and the longitude, or neither"))
            self.place_checked = False
        return data

    def place_given(self) -> tuple[str, float | None, float | None] | None:
        """The place and point to look up (`places.selectors.locate`) once the form has been
        checked; None before, or when half a point was given."""
        if not self.is_bound or not self.place_checked:
            return None
        data = self.cleaned_data
        return data.get("place", "") or "", data.get("latitude"), data.get("longitude")

    @property
    def wards_chosen(self) -> list[Ward]:
        return list(self.cleaned_data.get("wards") or [])

    def take_location(self, location: Location) -> None:
        """Use what the place was found to be: its ward when none was chosen, its point when
        none was given; or say what could not be found."""
        data = self.cleaned_data
        if location.unknown_postcode is not None:
            self.add_error(
                "place",
                _("We could not find the postcode %(postcode)s. Check it and try again.")
                % {"postcode": location.unknown_postcode},
            )
            return
        self.location_text = location.text
        if data.get("latitude") is None and location.latitude is not None:
            data["latitude"], data["longitude"] = location.latitude, location.longitude
        wards = self.wards_chosen
        if not wards and location.ward is not None:
            wards = [location.ward]
        if not wards and "wards" not in self.errors:
            if self.has_ward_choices:
                self.add_error(
                    "wards", _("Choose at least one ward, or enter a postcode in the area")
                )
            elif "place" not in self.errors:
                self.add_error("place", _("Enter a postcode in the area, so we can find its ward"))
        self.ward_list = wards


class InitiativeEditForm(InitiativeForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("New stage"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the new stage"),
            "invalid_choice": _("Choose one of the stages listed"),
        },
    )
    note = text_field(
        _("Note (optional)"),
        "",
        _("Note must be 1,000 characters or fewer"),
        1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Members and backers see this on the timeline."),
    )

    def __init__(self, *args: Any, stages: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = stages


class JoinForm(forms.Form):
    message = text_field(
        _("Message to the leads (optional)"),
        "",
        _("Message must be 1,000 characters or fewer"),
        1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say how you would like to help."),
    )


_POUNDS = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")


def parse_pounds(text: str) -> int | None:
    """“£1,250.5” → 125050 pence; None if it is not an amount of money."""
    match = _POUNDS.match(text.strip())
    if match is None:
        return None
    pounds = int(match.group(1).replace(",", ""))
    pence = int((match.group(2) or "0").ljust(2, "0"))
    return pounds * 100 + pence


class NeedForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What you need"),
        choices=NeedKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you need"),
            "invalid_choice": _("Choose what you need"),
        },
    )
    description = text_field(
        _("Details"),
        _("Enter the details of what you need"),
        _("Details must be 2,000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    volunteers_wanted = forms.IntegerField(
        label=_("How many volunteers (for volunteers)"),
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={
            "invalid": _("Enter how many volunteers as a number, like 6"),
            "min_value": _("Enter how many volunteers, at least 1"),
            "max_value": _("Enter 10,000 volunteers or fewer"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    when = text_field(
        _("When (for volunteers)"),
        "",
        _("When must be 200 characters or fewer"),
        200,
        required=False,
        help_text=_("For example, Saturday mornings in May."),
    )
    amount = text_field(
        _("Amount in pounds (for money)"),
        "",
        _("Enter an amount in pounds, like 250 or 250.50"),
        20,
        required=False,
        help_text=_("For example, 250 or 250.50"),
    )

    def clean_amount(self) -> int | None:
        text: str = self.cleaned_data.get("amount", "")
        if not text.strip():
            return None
        pence = parse_pounds(text)
        if pence is None:
            raise forms.ValidationError(_("Enter an amount in pounds, like 250 or 250.50"))
        if pence <= 0:
            raise forms.ValidationError(_("Enter an amount more than £0"))
        if pence > MAX_PENCE:
            raise forms.ValidationError(_("Amount must be £10,000,000 or less"))
        return pence

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == NeedKind.MONEY and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter how much money you need, like 250 or 250.50"))
        if (
            kind == NeedKind.VOLUNTEERS
            and data.get("volunteers_wanted") is None
            and "volunteers_wanted" not in self.errors
        ):
            self.add_error("volunteers_wanted", _("Enter how many volunteers you need"))
        return data


class UpdateForm(ChooseFilesAgainMixin, forms.Form):
    text = text_field(
        _("Update"),
        _("Enter your update"),
        _("Update must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What has happened since the last update?"),
    )
    # Checked and cleaned as it is validated (core.images): random name, no metadata, scaled.
    photo = ImageUploadField(
        label=_("Photo (optional)"),
        required=False,
        formats=PHOTO_FORMATS,
        help_text=_("A JPG, PNG or WebP image, smaller than 5MB."),
        error_messages={
            "invalid_image": _("The photo must be a JPG, PNG or WebP image"),
            "invalid": _("The photo must be a JPG, PNG or WebP image"),
            "empty": _("The photo is empty"),
        },
    )
    photo_alt = text_field(
        _("Describe the photo"),
        "",
        _("Description must be 250 characters or fewer"),
        250,
        required=False,
        help_text=_("For people who cannot see it, like “Volunteers planting bulbs by the gate”."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("photo") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it"))
        return data


class MilestoneForm(forms.Form):
    title = text_field(
        _("Milestone"),
        _("Enter the milestone"),
        _("Milestone must be 200 characters or fewer"),
        200,
        help_text=_("For example, “First planting day”."),
    )
    due_on = GovukDateField(
        label=_("Date of milestone"),
        name=_("Date of milestone"),
        required_message=_("Enter the date of the milestone"),
    )


class OutcomeForm(forms.Form):
    what_changed = text_field(
        _("What changed"),
        _("Say what changed"),
        _("What changed must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    for_whom = text_field(
        _("For whom"),
        _("Say who it changed things for"),
        _("For whom must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = text_field(
        _("Evidence"),
        _("Give the evidence for the change"),
        _("Evidence must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example, numbers before and after, photos, or what people said."),
    )
