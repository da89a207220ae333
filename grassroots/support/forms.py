"""Forms for councillor support, with plain-English GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import Department
from grassroots.core.forms import CleanTextMixin, GovukDateField, PlainTextField, text_field
from grassroots.places.models import Councillor
from grassroots.support.models import CaseStatus, Decision, Helped, SupportKind, SupportStatus


def _kind_field(label: Any, required_message: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Facilitate: convene or host a conversation or meeting, or mediate between groups. "
            "Connect: introduce people to a person, organisation or council officer, or share a "
            "resource. Advocate: raise it inside the council."
        ),
        error_messages={
            "required": required_message,
            "invalid_choice": required_message,
        },
    )


class OfferForm(CleanTextMixin, forms.Form):
    kind = _kind_field(_("How will you support it?"), _("Select how you will support it"))
    description = text_field(
        _("What you will do"),
        _("Enter what you will do"),
        _("What you will do must be 2000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InviteForm(CleanTextMixin, forms.Form):
    councillor = PlainTextField(
        label=_("Councillor's name"),
        max_length=200,
        help_text=_("Type the councillor's full name, for example Jo Bloggs."),
        error_messages={
            "required": _("Enter the councillor's name"),
            "max_length": _("The councillor's name must be 200 characters or fewer"),
        },
    )
    message = PlainTextField(
        label=_("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Message must be 1000 characters or fewer")},
    )

    chosen: Councillor | None = None

    def clean_councillor(self) -> str:
        name: str = self.cleaned_data["councillor"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the councillor's name"))
        matches = list(Councillor.objects.filter(name__iexact=name)[:2])
        if not matches:
            raise forms.ValidationError(
                _("We could not find a councillor called %(name)s"), params={"name": name}
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("More than one councillor is called %(name)s. Contact us to invite them"),
                params={"name": name},
            )
        if matches[0].user_id is None:
            raise forms.ValidationError(
                _("%(name)s does not use this site yet"), params={"name": matches[0].name}
            )
        self.chosen = matches[0]
        return name


class HelpRequestForm(CleanTextMixin, forms.Form):
    kind = _kind_field(_("What kind of help do you need?"), _("Select the kind of help you need"))
    message = text_field(
        _("What you need help with"),
        _("Enter what you need help with"),
        _("What you need help with must be 2000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TakeForm(CleanTextMixin, forms.Form):
    description = PlainTextField(
        label=_("What you will do (optional)"),
        help_text=_(
            "Tell the leads how you will help. If you leave it empty, they will see "
            "\u201cNot said yet\u201d until you tell them."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("What you will do must be 2000 characters or fewer")},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (SupportStatus.IN_PROGRESS.value, SupportStatus.IN_PROGRESS.label),
            (SupportStatus.DONE.value, SupportStatus.DONE.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the new status"),
            "invalid_choice": _("Select the new status"),
        },
    )


class FeedbackForm(CleanTextMixin, forms.Form):
    helped = forms.ChoiceField(
        label=_("Did it help?"),
        choices=Helped.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether the support helped"),
            "invalid_choice": _("Select whether the support helped"),
        },
    )
    comment = text_field(
        _("Your feedback"),
        _("Enter your feedback"),
        _("Your feedback must be 2000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CaseForm(CleanTextMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Council department"),
        queryset=Department.objects.none(),
        empty_label=_("Choose a department"),
        error_messages={
            "required": _("Select the council department"),
            "invalid_choice": _("Select the council department"),
        },
    )
    ask = text_field(
        _("What you are asking for"),
        _("Enter what you are asking for"),
        _("What you are asking for must be 4000 characters or fewer"),
        4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = text_field(
        _("Evidence"),
        _("Enter the evidence"),
        _("Evidence must be 8000 characters or fewer"),
        8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome_wanted = text_field(
        _("The outcome wanted"),
        _("Enter the outcome wanted"),
        _("The outcome wanted must be 4000 characters or fewer"),
        4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wanted_by = GovukDateField(
        label=_("Date wanted by"),
        name=_("Date wanted by"),
        required_message=_("Enter the date the outcome is wanted by"),
        not_before_today=True,
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments


class CaseMoveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (CaseStatus.ACKNOWLEDGED.value, CaseStatus.ACKNOWLEDGED.label),
            (CaseStatus.UNDER_CONSIDERATION.value, CaseStatus.UNDER_CONSIDERATION.label),
            (CaseStatus.CLOSED.value, CaseStatus.CLOSED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the new status"),
            "invalid_choice": _("Select the new status"),
        },
    )


class DecideForm(CleanTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the decision"),
            "invalid_choice": _("Select the decision"),
        },
    )
    reasons = text_field(
        _("Reasons"),
        _("Enter the reasons for the decision"),
        _("Reasons must be 4000 characters or fewer"),
        4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CaseMessageForm(CleanTextMixin, forms.Form):
    text = text_field(
        _("Message"),
        _("Enter a message"),
        _("Message must be 4000 characters or fewer"),
        4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    internal = forms.BooleanField(
        label=_("Internal note: only officers of this department will see it"), required=False
    )

    def __init__(self, *args: Any, allow_internal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_internal:
            del self.fields["internal"]


class CaseTransferForm(CleanTextMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department to pass the case to"),
        queryset=Department.objects.none(),
        empty_label=_("Choose a department"),
        error_messages={
            "required": _("Select the department to pass the case to"),
            "invalid_choice": _("Select one of the other departments of this council"),
        },
    )
    reason = text_field(
        _("Why you are passing it on"),
        _("Enter why you are passing the case on"),
        _("Why you are passing it on must be 2000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments
        self.fields["reason"].help_text = _(
            "The councillor and the initiative's leads see this reason in the case's history. "
            "Your department's internal notes stay with your department."
        )
