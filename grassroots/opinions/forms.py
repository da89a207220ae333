"""Forms for opinion maps, with plain-English GOV.UK error messages. The services check
everything again; the forms say it first, beside the right box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, text_field
from grassroots.opinions.models import STATEMENT_MAX_LENGTH, Audience, Choice
from grassroots.opinions.services import DESCRIPTION_MAX_LENGTH, QUESTION_MAX_LENGTH

STATEMENT_HINT = _("Keep it to one idea, in %(max)d characters or fewer.") % {
    "max": STATEMENT_MAX_LENGTH
}


def seed_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SeedsMixin(forms.Form):
    seeds = forms.CharField(
        label=_("Statements to start with (optional)"),
        help_text=_(
            "One statement a line, each %(max)d characters or fewer. They are published at once."
        )
        % {"max": STATEMENT_MAX_LENGTH},
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean_seeds(self) -> list[str]:
        lines = seed_lines(self.cleaned_data.get("seeds") or "")
        for line in lines:
            if len(line) > STATEMENT_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Each statement must be %(max)d characters or fewer: “%(text)s…”")
                    % {"max": STATEMENT_MAX_LENGTH, "text": line[:40]}
                )
        return lines


class MapForm(CleanTextMixin, SeedsMixin):
    question = text_field(
        _("Question"),
        _("Enter the question"),
        _("The question must be %(max)d characters or fewer") % {"max": QUESTION_MAX_LENGTH},
        QUESTION_MAX_LENGTH,
        help_text=_("For example, “What should happen to the old library building?”"),
    )
    description = text_field(
        _("More about it (optional)"),
        "",
        _("The description must be %(max)d characters or fewer") % {"max": DESCRIPTION_MAX_LENGTH},
        DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    audience = forms.ChoiceField(
        label=_("Who can take part"),
        choices=Audience.choices,
        initial=Audience.EVERYONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who can take part"),
            "invalid_choice": _("Choose who can take part"),
        },
    )
    allow_statements = forms.BooleanField(
        label=_("Participants may add their own statements (you or a moderator check each one)"),
        required=False,
        initial=True,
    )
    field_order = ["question", "description", "audience", "allow_statements", "seeds"]


class SeedForm(CleanTextMixin, SeedsMixin):
    def clean_seeds(self) -> list[str]:
        lines = super().clean_seeds()
        if not lines:
            raise forms.ValidationError(_("Enter at least one statement"))
        return lines


class StatementForm(CleanTextMixin, forms.Form):
    text = text_field(
        _("Your statement"),
        _("Enter a statement"),
        _("A statement must be %(max)d characters or fewer") % {"max": STATEMENT_MAX_LENGTH},
        STATEMENT_MAX_LENGTH,
        help_text=STATEMENT_HINT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoteForm(forms.Form):
    statement = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("Choose a statement"),
            "invalid": _("Choose a statement"),
            "min_value": _("Choose a statement"),
        },
    )
    choice = forms.TypedChoiceField(
        choices=[(str(value), label) for value, label in Choice.choices],
        coerce=int,
        error_messages={
            "required": _("Choose agree, disagree or pass"),
            "invalid_choice": _("Choose agree, disagree or pass"),
        },
    )


class ModerateForm(CleanTextMixin, forms.Form):
    statement = forms.IntegerField(
        min_value=1,
        error_messages={"required": _("Choose a statement"), "invalid": _("Choose a statement")},
    )
    decision = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("reject", _("Do not publish"))],
        error_messages={
            "required": _("Choose whether to publish the statement"),
            "invalid_choice": _("Choose whether to publish the statement"),
        },
    )
    reason = text_field(
        _("Why not (the author is told)"),
        "",
        _("The reason must be 200 characters or fewer"),
        200,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Enter the reason for not publishing the statement"))
        return cleaned
