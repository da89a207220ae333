"""Forms for finding an area: a postcode typed by a person, or a point on a map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from grassroots.places.models import Ward
from grassroots.places.selectors import (
    LookupProblem,
    LookupResult,
    example_postcode,
    ward_for_postcode,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Longer than any postcode however it is spaced; anything longer is not a postcode.
POSTCODE_MAX_LENGTH = 20


def not_a_postcode_message() -> str:
    """'Enter a real postcode', with an example only when it is one this site accepts."""
    example = example_postcode()
    if example is None:
        return str(_("Enter a real postcode"))
    return str(_("Enter a real postcode, like %(example)s") % {"example": example})


def postcode_example_hint() -> str:
    example = example_postcode()
    return str(_("For example, %(example)s") % {"example": example}) if example else ""


def check_postcode(result: LookupResult, *, allow_not_covered: bool = False) -> None:
    """Raise the one plain-English error for a postcode look-up that went wrong.

    Every form that asks for a postcode uses this, so a person gets the same answer for the
    same postcode wherever they type it. A postcode outside the wards we hold is refused when
    it is meant to find a ward (`allow_not_covered` False), and kept when it is only stored.
    """
    if result.problem is LookupProblem.NOT_A_POSTCODE:
        raise forms.ValidationError(not_a_postcode_message(), code="not_a_postcode")
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
    if result.problem is LookupProblem.NOT_COVERED and not allow_not_covered:
        raise forms.ValidationError(
            _("Grassroots does not cover the area of %(postcode)s yet."),
            code="not_covered",
            params={"postcode": result.postcode},
        )


def postcode_field(
    *, label: StrOrPromise, required: bool = True, help_text: StrOrPromise = ""
) -> forms.CharField:
    """A postcode box; its hint and errors name an example only when it is a postcode we know."""
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=POSTCODE_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


# Lazy, so the example is looked up only when a page shows it (a look-up that succeeds and
# redirects costs nothing more).
_not_a_postcode_lazy = lazy(not_a_postcode_message, str)
_example_hint_lazy = lazy(postcode_example_hint, str)


def set_postcode_messages(field: forms.Field, *, hint: bool) -> None:
    """Give the field the messages that name an example postcode."""
    field.error_messages = {
        **field.error_messages,
        "required": _("Enter a postcode"),
        "max_length": _not_a_postcode_lazy(),
    }
    if hint:
        field.help_text = _example_hint_lazy()


class FindAreaForm(forms.Form):
    postcode = postcode_field(label=_("Postcode"))

    ward: Ward | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The example hint is worked out only for a page that shows the form: a look-up that
        # succeeds redirects, and should not pay for it.
        set_postcode_messages(self.fields["postcode"], hint=not self.is_bound)

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors:
            self["postcode"].help_text = postcode_example_hint()

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data["postcode"]
        result = ward_for_postcode(text)
        check_postcode(result)
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
