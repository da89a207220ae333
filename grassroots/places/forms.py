"""Forms for finding an area: a postcode typed by a person, or a point on a map."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.places.models import Ward
from grassroots.places.selectors import LookupProblem, ward_for_postcode

# Longer than any postcode however it is spaced; anything longer is not a postcode.
POSTCODE_MAX_LENGTH = 20
NOT_A_POSTCODE = _("Enter a real postcode, like SW1A 1AA")


class FindAreaForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("For example, SW1A 1AA"),
        max_length=POSTCODE_MAX_LENGTH,
        error_messages={"required": _("Enter a postcode"), "max_length": NOT_A_POSTCODE},
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    ward: Ward | None = None

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data["postcode"]
        result = ward_for_postcode(text)
        if result.problem is LookupProblem.NOT_A_POSTCODE:
            raise forms.ValidationError(NOT_A_POSTCODE, code="not_a_postcode")
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

    @classmethod
    def with_problem(cls, message: str) -> FindAreaForm:
        """An empty postcode form showing `message` against the postcode field.

        Used when a map point could not be looked up: typing a postcode is the way forward, so
        that is the field the error summary links to.
        """
        form = cls(data={"postcode": ""})
        form.full_clean()
        form.errors.clear()
        form.add_error("postcode", forms.ValidationError(message, code="point"))
        return form


class PointForm(forms.Form):
    """A map point (for example from 'use my location'), found by point-in-polygon."""

    # A box around Great Britain; the ward boundaries decide what is actually covered.
    lat = forms.FloatField(min_value=49.0, max_value=61.0)
    lon = forms.FloatField(min_value=-9.0, max_value=2.5)

    def problem(self) -> str:
        """Why the point could not be used, in words for the person who sent it."""
        codes = {e.code for errors in self.errors.as_data().values() for e in errors}
        if codes & {"required", "invalid"}:
            return str(_("We could not read that location. Enter a postcode instead."))
        return str(
            _("That location is outside the area Grassroots covers. Enter a postcode instead.")
        )
