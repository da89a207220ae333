"""Forms for recording action items and moving them on, with plain-English GOV.UK error
messages. A conversation's form ("agreed actions") and an event's form ("actions from the
meeting") keep the wording each page has always had; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import User
from grassroots.actions.models import ActionStatus
from grassroots.core.forms import (
    CleanTextMixin,
    GovukDateField,
    PlainTextField,
    no_control_characters,
    text_field,
)


class AgreedActionForm(forms.Form):
    what = text_field(
        _("What was agreed"),
        _("Enter what was agreed"),
        _("What was agreed must be 300 characters or fewer"),
        300,
        help_text=_("For example, “Ask the council to mend the gate”."),
    )
    owner = forms.TypedChoiceField(
        label=_("Who will do it: someone taking part"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose someone taking part in the conversation")},
    )
    owner_name = text_field(
        _("Or: the name of someone else"),
        "",
        _("The name must be 200 characters or fewer"),
        200,
        required=False,
        help_text=_("For example, “The school’s head teacher”."),
    )
    due_on = GovukDateField(
        label=_("By when"),
        name=_("By when"),
        required_message=_("Enter the date it should be done by"),
        not_before_today=True,
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        owner = self.fields["owner"]
        assert isinstance(owner, forms.TypedChoiceField)
        owner.choices = [("", _("Choose a person")), *[(p.pk, p.public_name) for p in people]]

    def clean_what(self) -> str:
        return no_control_characters(self.cleaned_data["what"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, name = data.get("owner"), (data.get("owner_name") or "").strip()
        if "owner" in self.errors or "owner_name" in self.errors:
            return data
        if owner is None and not name:
            self.add_error(
                "owner", _("Choose someone taking part, or type the name of someone else")
            )
        elif owner is not None and name:
            self.add_error("owner_name", _("Choose someone taking part or type a name, not both"))
        data["owner_user"] = self.people.get(owner) if owner is not None else None
        return data


class ActionItemForm(CleanTextMixin, forms.Form):
    what = PlainTextField(
        label=_("What needs doing"),
        max_length=300,
        error_messages={
            "required": _("Enter what needs doing"),
            "max_length": _("What needs doing must be 300 characters or fewer"),
        },
    )
    owner = forms.ChoiceField(
        label=_("Who will do it (a person on this site)"),
        required=False,
        error_messages={"invalid_choice": _("Select a person from the list")},
    )
    owner_name = PlainTextField(
        label=_("Or their name, if they do not use this site"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Name must be 200 characters or fewer")},
    )
    due_on = GovukDateField(
        label=_("Due by (optional)"),
        name=_("Due date"),
        required=False,
        required_message=_("Enter the due date"),
        not_before_today=True,
    )

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people or []}
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = [("", _("Nobody on the site"))] + [
            (key, p.display_name or _("Person %(n)s") % {"n": key})
            for key, p in self.people.items()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        owner_key = cleaned.get("owner")
        name = (cleaned.get("owner_name") or "").strip()
        if owner_key and name:
            self.add_error("owner_name", _("Choose a person or enter a name, not both"))
        elif not owner_key and not name and "owner_name" not in self.errors:
            self.add_error("owner", _("Choose who will do it or enter their name"))
        cleaned["owner_user"] = self.people.get(owner_key or "")
        cleaned["owner_name"] = name
        return cleaned


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the new status"),
            "invalid_choice": _("Select the new status"),
        },
    )
