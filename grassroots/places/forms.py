from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.places.models import Ward
from grassroots.places.selectors import LookupProblem, ward_for_postcode


class FindAreaForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("For example, SW1A 1AA"),
        max_length=20,
        error_messages={"required": _("Enter a postcode")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )

    ward: Ward | None = None

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data["postcode"]
        result = ward_for_postcode(text)
        if result.problem is LookupProblem.NOT_A_POSTCODE:
            raise forms.ValidationError(
                _("Enter a real postcode, like SW1A 1AA"), code="not_a_postcode"
            )
        if result.problem is LookupProblem.UNKNOWN:
            raise forms.ValidationError(
                _("We could not find the postcode %(postcode)s. Check it and try again."),
                code="unknown",
                params={"postcode": result.postcode},
            )
        if result.problem is LookupProblem.TERMINATED:
            raise forms.ValidationError(
                _(
                    "The postcode %(postcode)s is no longer in use (Royal Mail retired it in "
                    "%(when)s). Enter the postcode you use now."
                ),
                code="terminated",
                params={"postcode": result.postcode, "when": result.terminated_on},
            )
        if result.problem is LookupProblem.NOT_COVERED:
            raise forms.ValidationError(
                _("Grassroots does not cover the area of %(postcode)s yet."),
                code="not_covered",
                params={"postcode": result.postcode},
            )
        self.ward = result.ward
        return result.postcode or text


class PointForm(forms.Form):
    """A map point (for example from 'use my location'), found by point-in-polygon."""

    lat = forms.FloatField(min_value=49.0, max_value=61.0)
    lon = forms.FloatField(min_value=-9.0, max_value=2.5)
