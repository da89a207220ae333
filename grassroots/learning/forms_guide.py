"""Forms of the guide's pages, with plain-English GOV.UK error messages. The services check
everything again (`services`, `services_readers`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, text_field
from grassroots.learning import assessment
from grassroots.learning.models import MatchingAction, PageKind
from grassroots.learning.services import MAX_BODY, MAX_REFLECTION, MAX_SUMMARY, MAX_TITLE
from grassroots.learning.services_readers import MAX_REFLECTION_TEXT


class ReflectionForm(CleanTextMixin, forms.Form):
    text = text_field(
        _("Your reflection"),
        _("Write your reflection"),
        _("Your reflection must be %(max)d characters or fewer") % {"max": MAX_REFLECTION_TEXT},
        MAX_REFLECTION_TEXT,
        help_text=_("Only you can see this."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SelfAssessmentForm(forms.Form):
    """One question a field, each answered on the same scale."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), label) for value, label in assessment.SCALE]
        for number, question in enumerate(assessment.QUESTIONS, start=1):
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer to question %(number)d") % {"number": number},
                    "invalid_choice": _("Choose an answer to question %(number)d from the list")
                    % {"number": number},
                },
            )

    def answers(self) -> dict[str, int]:
        return {question.key: self.cleaned_data[question.key] for question in assessment.QUESTIONS}


class CourseForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Who is it for?"),
        choices=[
            (PageKind.MODULE, _("Councillors: their learning path")),
            (PageKind.LESSON, _("Residents: a course")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who the course is for"),
            "invalid_choice": _("Choose who the course is for"),
        },
    )
    title = text_field(
        _("Title"),
        _("Enter a title"),
        _("The title must be %(max)d characters or fewer") % {"max": MAX_TITLE},
        MAX_TITLE,
    )


class PageForm(CleanTextMixin, forms.Form):
    """What an editor writes for one version of a page."""

    title = text_field(
        _("Title"),
        _("Enter a title"),
        _("The title must be %(max)d characters or fewer") % {"max": MAX_TITLE},
        MAX_TITLE,
    )
    summary = text_field(
        _("Summary (optional)"),
        "",
        _("The summary must be %(max)d characters or fewer") % {"max": MAX_SUMMARY},
        MAX_SUMMARY,
        required=False,
        help_text=_("One sentence shown in the list of pages."),
    )
    body = text_field(
        _("Text of the page (Markdown)"),
        _("Enter the text of the page"),
        _("The text of the page must be %(max)d characters or fewer") % {"max": MAX_BODY},
        MAX_BODY,
        help_text=_(
            "Write in Markdown: a line starting “# ” is a heading, “- ” a bullet, "
            "**bold** and [a link](/groups/). HTML is shown as text."
        ),
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    reflection = text_field(
        _("Reflection question (optional)"),
        "",
        _("The reflection question must be %(max)d characters or fewer") % {"max": MAX_REFLECTION},
        MAX_REFLECTION,
        required=False,
        help_text=_("Readers answer it privately at the end of the page."),
    )
    action = forms.ChoiceField(
        label=_("Matching action"),
        choices=MatchingAction.choices,
        required=False,
        help_text=_("Where the page sends readers next, to do what it taught."),
        error_messages={"invalid_choice": _("Choose a matching action from the list")},
    )


class DiffForm(forms.Form):
    """Which two versions of a page to compare (from the version history's GET form)."""

    old = forms.TypedChoiceField(
        label=_("Compare version"),
        coerce=int,
        error_messages={
            "required": _("Choose the version to compare"),
            "invalid_choice": _("Choose a version of this page"),
        },
    )
    new = forms.TypedChoiceField(
        label=_("with version"),
        coerce=int,
        error_messages={
            "required": _("Choose the version to compare it with"),
            "invalid_choice": _("Choose a version of this page"),
        },
    )

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(n), _("Version %(number)d") % {"number": n}) for n in numbers]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("old") == data.get("new"):
            self.add_error("new", _("Choose two different versions"))
        return data
