"""Forms for offers of help and introductions, with GOV.UK plain-English messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, text_field
from grassroots.directory.models import Organization, Weekday
from grassroots.directory.models_offers import MAX_TRAVEL_MILES, OfferKind, OfferStatus, PartOfDay
from grassroots.directory.services_offers import MAX_MESSAGE, OfferDetails
from grassroots.places.forms import check_postcode, postcode_field, set_postcode_messages
from grassroots.places.models import Postcode
from grassroots.places.selectors import ward_for_postcode


class OfferForm(CleanTextMixin, forms.Form):
    organization = forms.ChoiceField(
        label=_("Who is offering"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose yourself or an organisation you look after")},
    )
    kind = forms.ChoiceField(
        label=_("What do you offer?"),
        choices=OfferKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you offer"),
            "invalid_choice": _("Choose what you offer"),
        },
    )
    title = text_field(
        _("Title"),
        _("Enter a title for your offer"),
        _("The title must be 120 characters or fewer"),
        120,
        help_text=_("For example, “First aid trainer” or “Church hall for up to 60 people”."),
    )
    description = text_field(
        _("Describe your offer"),
        _("Describe your offer"),
        _("The description must be 2,000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Do not include your phone number or email address: they are shared only "
            "when you accept an introduction."
        ),
    )
    tags = text_field(
        _("Key words (optional)"),
        "",
        _("The key words must be 300 characters or fewer"),
        300,
        required=False,
        help_text=_("Separate them with commas, for example: first aid, gardening, van."),
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Which days? (optional)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose days from the list")},
    )
    parts_of_day = forms.MultipleChoiceField(
        label=_("What times of day? (optional)"),
        choices=PartOfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose times of day from the list")},
    )
    when_text = text_field(
        _("When, in your words (optional)"),
        "",
        _("When must be 200 characters or fewer"),
        200,
        required=False,
        help_text=_("For example, “school holidays” or “one weekend a month”."),
    )
    postcode = postcode_field(
        label=_("Postcode"),
        help_text=_(
            "Where you are, or where the space or equipment is. We show only the area, "
            "never the postcode."
        ),
    )
    travel_miles = forms.IntegerField(
        label=_("How far will you travel, in miles?"),
        min_value=0,
        max_value=MAX_TRAVEL_MILES,
        help_text=_("Enter 0 if people come to you, for example to use a hall."),
        error_messages={
            "required": _("Enter how far you will travel, in miles"),
            "invalid": _("How far you will travel must be a whole number, like 3"),
            "min_value": _("How far you will travel must be 0 or more"),
            "max_value": _("How far you will travel must be %(limit_value)s miles or fewer"),
        },
    )
    status = forms.ChoiceField(
        label=_("Is the offer open?"),
        choices=[
            (OfferStatus.OPEN, _("Open: initiatives can ask to be introduced")),
            (OfferStatus.PAUSED, _("Paused: nobody sees it for now")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether the offer is open or paused"),
            "invalid_choice": _("Choose whether the offer is open or paused"),
        },
    )

    latitude: float
    longitude: float
    area_name: str

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization] | tuple[()] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._organizations = {str(o.pk): o for o in organizations}
        if organizations:
            field = self.fields["organization"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                ("", _("Myself")),
                *((str(o.pk), o.name) for o in organizations),
            ]
        else:
            del self.fields["organization"]
        if not editing:
            del self.fields["status"]
        set_postcode_messages(self.fields["postcode"], hint=False)

    def clean_postcode(self) -> str:
        result = ward_for_postcode(self.cleaned_data["postcode"])
        check_postcode(result, allow_not_covered=True)
        row = (
            Postcode.objects.filter(postcode=result.postcode)
            .values("latitude", "longitude")
            .first()
        )
        if row is None or row["latitude"] is None or row["longitude"] is None:
            raise forms.ValidationError(
                _("We do not know where %(postcode)s is. Enter a postcode near you."),
                params={"postcode": result.postcode},
            )
        self.latitude, self.longitude = row["latitude"], row["longitude"]
        postcode = str(result.postcode)
        self.area_name = result.ward.name if result.ward else postcode.split(" ")[0]
        return postcode

    def chosen_organization(self) -> Organization | None:
        return self._organizations.get(self.cleaned_data.get("organization") or "")

    def details(self) -> OfferDetails:
        data = self.cleaned_data
        return OfferDetails(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            tags=[tag.strip() for tag in data["tags"].split(",")],
            days=data["days"],
            parts_of_day=data["parts_of_day"],
            when_text=data["when_text"],
            postcode=data["postcode"],
            latitude=self.latitude,
            longitude=self.longitude,
            area_name=self.area_name,
            travel_miles=data["travel_miles"],
        )


class IntroductionForm(CleanTextMixin, forms.Form):
    message = text_field(
        _("Message (optional)"),
        "",
        _("The message must be 1,000 characters or fewer"),
        MAX_MESSAGE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say what you would like help with. Do not include contact details: they are "
            "shared once the offerer accepts."
        ),
    )


class OfferFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is offered"),
        choices=[("", _("Anything")), *OfferKind.choices],
        required=False,
    )
