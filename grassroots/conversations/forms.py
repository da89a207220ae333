"""Forms for conversations, with plain-English GOV.UK error messages.

The services check everything again (the forms only give the clear message first).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.conversations.models import Audience
from grassroots.conversations.services import MAX_BODY, MAX_QUESTION, MAX_SUMMARY
from grassroots.core.forms import PlainTextField, no_control_characters, text_field


class StartForm(forms.Form):
    question = text_field(
        _("Question"),
        _("Enter the question"),
        _("The question must be 200 characters or fewer"),
        MAX_QUESTION,
        help_text=_("What you want to talk about, like “What should the park’s new bench say?”"),
    )
    description = text_field(
        _("Description (optional)"),
        "",
        _("The description must be 5,000 characters or fewer"),
        MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    audience = forms.ChoiceField(
        label=_("Who can reply"),
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.EVERYONE,
        error_messages={
            "required": _("Choose who can reply"),
            "invalid_choice": _("Choose who can reply"),
        },
        help_text=_("Anyone can read it unless it is safeguarded."),
    )
    is_safeguarded = forms.BooleanField(
        label=_("Safeguarded: only members can see that it exists"),
        required=False,
        help_text=_("For sensitive subjects. Everybody else sees nothing at all."),
    )

    def __init__(self, *args: Any, host_kind: str, forced_safeguarding: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        if host_kind == "ward":
            # A ward has residents but no members, and is everybody's: nothing private.
            audience.choices = [c for c in Audience.choices if c[0] != Audience.MEMBERS]
            del self.fields["is_safeguarded"]
        elif forced_safeguarding:
            del self.fields["is_safeguarded"]
        elif host_kind == "group":
            # Anybody may join an open group: its organisers choose who is let in.
            safeguarded = self.fields["is_safeguarded"]
            safeguarded.label = _("Safeguarded: only the people you let in can see that it exists")
            safeguarded.help_text = _(
                "For sensitive subjects. The group's organisers and you can see it; choose "
                "which other members can see it once it has started. Everybody else sees "
                "nothing at all."
            )

    def clean_question(self) -> str:
        return no_control_characters(self.cleaned_data["question"])

    def clean_description(self) -> str:
        return no_control_characters(self.cleaned_data["description"])


class ReplyForm(forms.Form):
    body = text_field(
        _("Your reply"),
        _("Enter your reply"),
        _("Your reply must be 5,000 characters or fewer"),
        MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Be kind and stick to the subject. Do not share anyone’s personal details."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        return no_control_characters(self.cleaned_data["body"])


class EditForm(forms.Form):
    body = text_field(
        _("Your reply"),
        _("Enter your reply"),
        _("Your reply must be 5,000 characters or fewer"),
        MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_body(self) -> str:
        return no_control_characters(self.cleaned_data["body"])


class SummaryForm(forms.Form):
    summary = text_field(
        _("Summary"),
        "",
        _("The summary must be 5,000 characters or fewer"),
        MAX_SUMMARY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the conversation has said so far, pinned at the top. Leave it empty to take "
            "the summary down."
        ),
    )

    def clean_summary(self) -> str:
        return no_control_characters(self.cleaned_data["summary"])


class FilterForm(forms.Form):
    """The list's filters (GET): a council, then one of its wards; open or closed."""

    council = PlainTextField(required=False)
    ward = PlainTextField(required=False)
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Open and closed")), ("open", _("Open")), ("closed", _("Closed"))],
    )
