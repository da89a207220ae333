"""Form fields shared by every app.

`GovukDateField` asks for a date the way GOV.UK's "date input" pattern does: three boxes (day,
month, year) in a fieldset, posted as `<name>_0`, `<name>_1` and `<name>_2`. It reads what people
really type ("3", "03", "March", "mar"), names exactly what is missing or wrong, and marks only the
boxes that have the problem, so the error summary can link to the first of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.core.text import has_control_characters, strip_invisible
from grassroots.core.types import Member

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # str or a lazy translation

DAY, MONTH, YEAR = 0, 1, 2


class PlainTextField(forms.CharField):
    """A text box whose value loses the invisible characters that let text pose as something
    else (`core.text.strip_invisible`) before anything else looks at it: titles, replies and
    descriptions; `name=True` for people's and groups' names."""

    def __init__(self, *args: Any, name: bool = False, **kwargs: Any) -> None:
        self.is_name = name
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            value = strip_invisible(value, name=self.is_name)
        result: str | None = super().to_python(value)
        return result


def text_field(
    label: StrOrPromise,
    required_message: StrOrPromise,
    too_long: StrOrPromise,
    max_length: int,
    *,
    required: bool = True,
    help_text: StrOrPromise = "",
    widget: forms.Widget | None = None,
) -> PlainTextField:
    """A `PlainTextField` with the two messages every text box needs: `required_message` when it
    is left empty (an empty one keeps Django's, for optional boxes) and `too_long` when it has
    more than `max_length` characters."""
    messages: dict[str, StrOrPromise] = {"max_length": too_long}
    if required_message:
        messages["required"] = required_message
    return PlainTextField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages=messages,
    )


CONTROL_CHARACTERS_MESSAGE = _("Remove the control characters from the text")


def no_control_characters(value: str, message: StrOrPromise = CONTROL_CHARACTERS_MESSAGE) -> str:
    """`value` unchanged, or a ValidationError saying `message` if it holds control characters
    (`has_control_characters`): for a form's `clean_<field>` methods."""
    if has_control_characters(value):
        raise forms.ValidationError(message)
    return value


class CleanTextMixin(forms.BaseForm):
    """Refuse control characters in every text a form cleans, each with an error on its own
    field. Put it before `forms.Form` or `forms.ModelForm` in the bases."""

    control_characters_message: StrOrPromise = _("Remove the control characters")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and has_control_characters(value):
                self.add_error(name, self.control_characters_message)
        return cleaned


PART_LABELS = (_("Day"), _("Month"), _("Year"))
# Month names and their usual short forms are accepted as well as numbers (GOV.UK advice).
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


@dataclass
class DateProblem:
    """What is wrong with a typed date, and which boxes (DAY/MONTH/YEAR) to mark."""

    code: str
    parts: list[int] = field(default_factory=lambda: [DAY, MONTH, YEAR])
    missing: list[int] = field(default_factory=list)


def _number(text: str, *, month: bool = False) -> int | None:
    text = text.strip().rstrip(".")
    if month and text.lower() in _MONTHS:
        return _MONTHS[text.lower()]
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    return int(text)


def parse_date_parts(values: Sequence[Any]) -> datetime.date | DateProblem | None:
    """The date typed in the three boxes; None if all are empty; else the problem found."""
    texts = [str(v or "").strip() for v in [*values, "", "", ""][:3]]
    if not any(texts):
        return None
    missing = [i for i, text in enumerate(texts) if not text]
    if missing:
        return DateProblem("incomplete", parts=missing, missing=missing)
    day, month, year = _number(texts[DAY]), _number(texts[MONTH], month=True), None
    if texts[YEAR].isascii() and texts[YEAR].isdigit():
        year = int(texts[YEAR])
        if len(texts[YEAR]) != 4:
            return DateProblem("year_digits", parts=[YEAR])
    bad = [
        i
        for i, (value, top) in enumerate([(day, 31), (month, 12), (year, 9999)])
        if value is None or not 1 <= value <= top
    ]
    if bad:
        return DateProblem("invalid", parts=bad)
    try:
        return datetime.date(year or 0, month or 0, day or 0)
    except ValueError:  # e.g. 31 2 2027: each box is fine, together they are not a date
        return DateProblem("invalid", parts=[DAY, MONTH])


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes, each with its own label; the field template supplies the fieldset."""

    template_name = "core/widgets/govuk_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        box = {"inputmode": "numeric", "spellcheck": "false"}
        super().__init__([forms.TextInput(attrs=box) for _part in range(3)], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts: list[int] = attrs.pop("error_parts", [])
        attrs.pop("aria-describedby", None)  # described on the fieldset, per the pattern
        attrs.pop("aria-invalid", None)  # only on the boxes that have the problem
        context = super().get_context(name, value, attrs)
        for index, sub in enumerate(context["widget"]["subwidgets"]):
            width = "govuk-input--width-4" if index == YEAR else "govuk-input--width-2"
            classes = ["govuk-input", "govuk-date-input__input", width]
            if index in error_parts:
                classes.append("govuk-input--error")
                sub["attrs"]["aria-invalid"] = "true"
            sub["attrs"]["class"] = " ".join(classes)
            sub["label"] = PART_LABELS[index]
        return context


class GovukBoundDate(forms.BoundField):
    """Knows which boxes hold the problem, for the widget and the error summary."""

    @property
    def error_parts(self) -> list[int]:
        if not self.errors:
            return []
        field = self.field
        assert isinstance(field, GovukDateField)
        return field.problem_parts(self.data)

    @property
    def error_anchor(self) -> str:
        """The id of the first box with a problem: the error summary links to it."""
        parts = self.error_parts or [DAY]
        return f"{self.auto_id}_{parts[0]}"

    def as_widget(
        self, widget: forms.Widget | None = None, attrs: Any = None, only_initial: bool = False
    ) -> Any:
        attrs = dict(attrs or {})
        attrs["error_parts"] = self.error_parts
        return super().as_widget(widget, attrs, only_initial)


class GovukDateField(forms.MultiValueField):
    """A date asked for in three boxes, with GOV.UK's error messages.

    `name` is how the messages refer to the date ("Date of milestone must include a month").
    `not_before_today` refuses past dates; `future_only` refuses today too.
    """

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        name: str | Promise,
        required_message: str | Promise,
        not_before_today: bool = False,
        future_only: bool = False,
        **kwargs: Any,
    ) -> None:
        self.error_name = name
        self.required_message = required_message
        self.not_before_today = not_before_today or future_only
        self.future_only = future_only
        kwargs.setdefault("help_text", _("For example, 27 3 2027"))
        kwargs.setdefault("template_name", "core/widgets/govuk_date_field.html")
        parts = [forms.CharField(required=False) for _part in range(3)]
        super().__init__(parts, require_all_fields=False, **kwargs)

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        return GovukBoundDate(form, self, field_name)

    def compress(self, data_list: list[Any]) -> Any:  # clean() below does the real work
        return data_list

    def _message(self, problem: DateProblem) -> str:
        names = [str(PART_LABELS[i]).lower() for i in problem.missing]
        if problem.code == "incomplete":
            what = names[0]
            if len(names) > 1:
                what = _("%(a)s and %(b)s") % {"a": names[0], "b": names[1]}
            message = _("%(name)s must include a %(what)s")
            return str(message % {"name": self.error_name, "what": what})
        if problem.code == "year_digits":
            return str(_("Year must include 4 numbers"))
        return str(_("%(name)s must be a real date") % {"name": self.error_name})

    def problem_parts(self, values: Any) -> list[int]:
        result = parse_date_parts(values if isinstance(values, list | tuple) else [])
        if isinstance(result, DateProblem):
            return result.parts
        return [DAY, MONTH, YEAR]

    def clean(self, value: Any) -> datetime.date | None:
        result = parse_date_parts(value if isinstance(value, list | tuple) else [])
        if result is None:
            if self.required:
                raise forms.ValidationError(str(self.required_message), code="required")
            return None
        if isinstance(result, DateProblem):
            raise forms.ValidationError(self._message(result), code=result.code)
        today = timezone.localdate()
        names = {"name": self.error_name}
        if self.future_only and result <= today:
            raise forms.ValidationError(_("%(name)s must be in the future") % names, code="past")
        if self.not_before_today and result < today:
            message = _("%(name)s must be today or in the future")
            raise forms.ValidationError(message % names, code="past")
        return result


# --- Inviting somebody by the email address of their account ---------------------------------

INVITE_MESSAGE_MAX = 1000
# Each address a person looks up costs one of these an hour, across initiatives and groups:
# enough to invite a committee in one sitting, too few to learn who has an account by trying
# addresses.
INVITE_LOOKUPS_PER_HOUR = 30
_EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.com")


def invite_lookup_allowed(actor: Member) -> bool:
    """Count one email look-up by `actor`; False once they have used this hour's allowance."""
    key = f"gr:invite-lookups:{actor.pk}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: a new hour starts
        cache.set(key, 1, timeout=60 * 60)
        used = 1
    return used <= INVITE_LOOKUPS_PER_HOUR


def invited_message(email: str) -> str:
    """What the person inviting is told, the same whether or not `email` has an account, so the
    invite forms cannot be used to find out who is signed up."""
    return gettext(
        "We have invited %(email)s. If they do not have an account yet, the invitation will "
        "be waiting when they create one with that email address"
    ) % {"email": email}


class InviteByEmailForm(forms.Form):
    """An account's email address and an optional message: the invitation forms of initiatives
    and groups. Refuses the actor's own address and counts each look-up against their hourly
    allowance; what happens to the address is the caller's business."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address they use, or will use, to sign in to this site."),
        error_messages={
            "required": _("Enter the email address of the person you want to invite"),
            "invalid": _EMAIL_FORMAT,
            "max_length": _("Email address must be 254 characters or fewer"),
            "null_characters_not_allowed": _EMAIL_FORMAT,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=INVITE_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say why you are inviting them. They see it with the invitation."),
        error_messages={
            "max_length": _("Message must be 1,000 characters or fewer"),
            "null_characters_not_allowed": _("Message must not contain control characters"),
        },
    )

    def __init__(self, *args: Any, actor: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if email == (self.actor.email or "").lower():
            raise forms.ValidationError(_("You cannot invite yourself"))
        if not invite_lookup_allowed(self.actor):
            raise forms.ValidationError(
                _(
                    "You have tried to invite a lot of people in the last hour. "
                    "Wait an hour, then try again"
                )
            )
        return email

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"].strip()
        if has_control_characters(message):
            raise forms.ValidationError(_("Message must not contain control characters"))
        return message


class ChooseFilesAgainMixin:
    """Tell people to choose a file again when the form comes back with a problem.

    Browsers never keep a chosen file across a round trip to the server, so a photo chosen on a
    form that had an error elsewhere is silently gone. For each file field that has a
    `choose_again` message (`core.images.ImageUploadField` does) and had a file chosen, the
    message is added as the field's error, so it shows by the field and in the error summary.
    """

    def full_clean(self) -> None:
        form: Any = self
        super().full_clean()  # type: ignore[misc]
        if not form.is_bound or not form._errors:
            return
        for name, form_field in form.fields.items():
            message = form_field.error_messages.get("choose_again")
            if (
                message is None
                or not isinstance(form_field, forms.FileField)
                or name in form._errors
                or not form.files.get(form.add_prefix(name))
            ):
                continue
            form.add_error(name, forms.ValidationError(message, code="choose_again"))
