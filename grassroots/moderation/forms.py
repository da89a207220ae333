"""Forms for reporting and moderating, with plain-English GOV.UK error messages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, GovukDateField
from grassroots.moderation.models import Reason


class ReportForm(CleanTextMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select why you are reporting this"),
            "invalid_choice": _("Select why you are reporting this"),
        },
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=2000,
        help_text=_("For example, what is wrong with it or who may be at risk."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _("Details must be 2000 characters or fewer"),
            "null_characters_not_allowed": _("Remove the control characters"),
        },
    )


class ReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("The author is told this reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter the reason"),
            "max_length": _("The reason must be 1000 characters or fewer"),
            "null_characters_not_allowed": _("Remove the control characters"),
        },
    )

    def clean_reason(self) -> str:
        value: str = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the reason"))
        return value


class ConcernHideForm(ReasonForm):
    """The reason a safeguarding contact gives for hiding what a concern is about."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = _("Why is it being hidden?")
        field.help_text = _(
            "The author is told this reason. Do not mention the concern or who raised it."
        )


class ConcernRestoreForm(CleanTextMixin, forms.Form):
    """A safeguarding contact's optional note on showing what a concern is about again."""

    note = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        max_length=1000,
        help_text=_(
            "Only site admins see this, in the audit log. The author is told only that it is "
            "shown again."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("The note must be 1000 characters or fewer"),
            "null_characters_not_allowed": _("Remove the control characters"),
        },
    )


class DismissForm(CleanTextMixin, forms.Form):
    note = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("The note must be 1000 characters or fewer")},
    )


class CloseConcernForm(CleanTextMixin, forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        help_text=_("For example, who was contacted and what was agreed."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Enter what was done"),
            "max_length": _("What was done must be 4000 characters or fewer"),
        },
    )

    def clean_note(self) -> str:
        value: str = self.cleaned_data["note"].strip()
        if not value:
            raise forms.ValidationError(_("Enter what was done"))
        return value


class ExportForm(forms.Form):
    date_from = GovukDateField(
        label=_("From"),
        name=_("From date"),
        required_message=_("Enter the date to start from"),
    )
    date_to = GovukDateField(
        label=_("To"),
        name=_("To date"),
        required_message=_("Enter the date to end on"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            if end < start:
                self.add_error("date_to", _("To date must be the same as or after the from date"))
            if start > timezone.localdate():
                self.add_error("date_from", _("From date must be today or in the past"))
        return cleaned
