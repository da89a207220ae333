"""Forms for the directory's pages, with GOV.UK plain-English error messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.directory import selectors
from grassroots.directory.models import Need, OrganizationKind
from grassroots.directory.selectors import PostcodeProblem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MILES_CHOICES = [
    ("1", _("1 mile")),
    ("2", _("2 miles")),
    ("5", _("5 miles")),
    ("10", _("10 miles")),
    ("25", _("25 miles")),
]
DEFAULT_MILES = "2"
MAX_QUERY = 200


class SearchForm(forms.Form):
    """The search by need and by distance: every field optional, read from the address."""

    q = forms.CharField(
        label=_("What do you need help with?"),
        help_text=_("For example, food, debt or someone to talk to"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={
            "max_length": _("Search must be %(limit_value)d characters or fewer"),
        },
    )
    need = forms.ChoiceField(
        label=_("Kind of help"),
        required=False,
        choices=[("", _("Any kind of help")), *Need.choices],
        error_messages={"invalid_choice": _("Choose a kind of help from the list")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("To find help near you. For example, GR3 1BN"),
        required=False,
        max_length=20,
        error_messages={"max_length": _("Enter a real postcode, like GR3 1BN")},
    )
    miles = forms.ChoiceField(
        label=_("How far"),
        required=False,
        choices=MILES_CHOICES,
        error_messages={"invalid_choice": _("Choose a distance from the list")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["point"] = None
        text = (data.get("postcode") or "").strip()
        if text:
            found = selectors.postcode_point(text)
            if found.problem is PostcodeProblem.NOT_A_POSTCODE:
                self.add_error("postcode", _("Enter a real postcode, like GR3 1BN"))
            elif found.problem is PostcodeProblem.UNKNOWN:
                self.add_error(
                    "postcode",
                    _("We do not know the postcode %(postcode)s. Check it and try again")
                    % {"postcode": found.postcode},
                )
            elif found.problem is PostcodeProblem.TERMINATED:
                self.add_error(
                    "postcode",
                    _("The postcode %(postcode)s is no longer in use. Enter a postcode in use")
                    % {"postcode": found.postcode},
                )
            else:
                data["postcode"] = found.postcode
                data["point"] = found.point
        data["miles_value"] = float(data.get("miles") or DEFAULT_MILES)
        return data


def _text(
    label: StrOrPromise,
    *,
    max_length: int,
    required: StrOrPromise = "",
    hint: StrOrPromise = "",
    textarea: bool = False,
) -> forms.CharField:
    """A text field; `required` is the message when it is left empty (empty: optional)."""
    messages: dict[str, StrOrPromise] = {
        "max_length": _("This must be %(limit_value)d characters or fewer")
    }
    if required:
        messages["required"] = required
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}) if textarea else None,
        error_messages=messages,
    )


class ServiceFieldsForm(forms.Form):
    name = _text(
        _("Name of the service"), max_length=255, required=_("Enter the name of the service")
    )
    need = forms.ChoiceField(
        label=_("What it helps with"),
        choices=Need.choices,
        error_messages={
            "required": _("Choose what the service helps with"),
            "invalid_choice": _("Choose what the service helps with from the list"),
        },
    )
    description = _text(_("What it does"), max_length=2000, textarea=True)
    who_for = _text(_("Who it is for"), max_length=1000, textarea=True)
    eligibility = _text(
        _("Who can use it"),
        max_length=1000,
        textarea=True,
        hint=_("For example, a referral or an age"),
    )
    cost = _text(_("What it costs"), max_length=500, hint=_("Write free if it is free"))
    how_to_access = _text(_("How to get help from it"), max_length=1000, textarea=True)
    url = forms.URLField(
        label=_("Web page"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://example.org")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        error_messages={"invalid": _("Enter an email address, like name@example.org")},
    )
    note = _text(_("Anything the editors should know"), max_length=1000, textarea=True)

    def proposed(self) -> dict[str, str]:
        data = self.cleaned_data
        return {key: str(data.get(key) or "") for key in self.fields if key != "note"}


class ListingForm(ServiceFieldsForm):
    """A new listing: the organisation, one service and where it is."""

    organization_name = _text(
        _("Name of the organisation"),
        max_length=255,
        required=_("Enter the name of the organisation"),
    )
    organization_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=OrganizationKind.choices,
        error_messages={
            "required": _("Choose what kind of organisation it is"),
            "invalid_choice": _("Choose what kind of organisation it is from the list"),
        },
    )
    address_1 = _text(_("Address"), max_length=255)
    city = _text(_("Town or city"), max_length=120)
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        error_messages={"max_length": _("Enter a real postcode, like GR3 1BN")},
    )
    phone = _text(_("Phone number"), max_length=40)

    field_order = [
        "organization_name",
        "organization_kind",
        "name",
        "need",
        "description",
        "who_for",
        "eligibility",
        "cost",
        "how_to_access",
        "address_1",
        "city",
        "postcode",
        "phone",
        "url",
        "email",
        "note",
    ]

    def clean_postcode(self) -> str:
        text = (self.cleaned_data.get("postcode") or "").strip()
        if not text:
            return ""
        found = selectors.postcode_point(text)
        if found.problem is PostcodeProblem.NOT_A_POSTCODE:
            raise forms.ValidationError(_("Enter a real postcode, like GR3 1BN"))
        if found.problem is not None:
            raise forms.ValidationError(
                _("We do not know the postcode %(postcode)s. Check it and try again")
                % {"postcode": found.postcode}
            )
        return found.postcode or ""


class CorrectionForm(ServiceFieldsForm):
    """A correction: the service's fields as they are, to change."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.errors
            and self.initial
            and all(
                str(data.get(key) or "") == str(self.initial.get(key) or "")
                for key in self.fields
                if key != "note"
            )
            and not data.get("note")
        ):
            raise forms.ValidationError(_("Change something, or say what is wrong in the note"))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it rejected?"),
        help_text=_("The person who suggested it will see this"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter why the suggestion is rejected"),
            "max_length": _("The reason must be %(limit_value)d characters or fewer"),
        },
    )
