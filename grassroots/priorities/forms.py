"""Forms for priority setting, with plain-English GOV.UK error messages. The services check
everything again; the forms say it first, beside the right box."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, GovukDateField, text_field
from grassroots.places.models import Ward
from grassroots.priorities.models import AgeBand, Exercise, Method, Participation, Priority

LONDON = ZoneInfo("Europe/London")


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the UK, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON)


class ExerciseForm(CleanTextMixin, forms.Form):
    question = text_field(
        _("Question"),
        _("Enter the question"),
        _("The question must be 200 characters or fewer"),
        200,
        help_text=_("For example, “What would make Riverside an even better place to live?”"),
    )
    description = text_field(
        _("More about it (optional)"),
        "",
        _("The description must be 5,000 characters or fewer"),
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wards = forms.ModelMultipleChoiceField(
        label=_("The area: which wards"),
        queryset=Ward.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one ward"),
            "invalid_choice": _("Choose wards from the list"),
            "invalid_pk_value": _("Choose wards from the list"),
        },
    )
    suggest_opens = GovukDateField(
        label=_("Suggestions open on"),
        name=_("The date suggestions open"),
        required_message=_("Enter the date suggestions open"),
    )
    suggest_closes = GovukDateField(
        label=_("Voting opens on"),
        name=_("The date voting opens"),
        required_message=_("Enter the date voting opens"),
        help_text=_("Suggestions close at the start of this day. For example, 27 3 2027"),
    )
    vote_closes = GovukDateField(
        label=_("Results are out on"),
        name=_("The date voting closes"),
        required_message=_("Enter the date voting closes"),
        help_text=_("Voting closes at the start of this day. For example, 27 3 2027"),
    )
    method = forms.ChoiceField(
        label=_("How people vote"),
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how people vote"),
            "invalid_choice": _("Choose how people vote"),
        },
    )
    dots = forms.IntegerField(
        label=_("Dots for each voter (dot voting only)"),
        min_value=1,
        max_value=20,
        initial=5,
        required=False,
        error_messages={
            "invalid": _("Enter the number of dots as a whole number, like 5"),
            "min_value": _("Give each voter between 1 and 20 dots"),
            "max_value": _("Give each voter between 1 and 20 dots"),
        },
    )
    participation = forms.ChoiceField(
        label=_("Who may take part"),
        choices=Participation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who may take part"),
            "invalid_choice": _("Choose who may take part"),
        },
    )

    def __init__(self, *args: Any, wards: list[Ward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["wards"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Ward.objects.filter(pk__in=[w.pk for w in wards]).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes, results = (
            data.get("suggest_opens"),
            data.get("suggest_closes"),
            data.get("vote_closes"),
        )
        if opens and closes and closes <= opens:
            self.add_error("suggest_closes", _("Voting must open after suggestions open"))
        elif closes and results and results <= closes:
            self.add_error("vote_closes", _("Results must come out after voting opens"))
        if data.get("method") == Method.DOTS and not data.get("dots") and "dots" not in self.errors:
            self.add_error("dots", _("Enter the number of dots each voter has"))
        return data


class SuggestForm(CleanTextMixin, forms.Form):
    title = text_field(
        _("Your suggestion"),
        _("Enter your suggestion"),
        _("Your suggestion must be 120 characters or fewer"),
        120,
        help_text=_("A few words, like “A safe crossing by the school”."),
    )
    detail = text_field(
        _("More detail (optional)"),
        "",
        _("The detail must be 2,000 characters or fewer"),
        2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BallotForm(forms.Form):
    """A ballot that works without JavaScript: a number box (0 to N) for each priority under
    dot voting, a checkbox for each under approval. Optional questions about the voter follow;
    a paper ballot also asks for the ward written on it."""

    age_band = forms.ChoiceField(
        label=_("Your age (optional)"),
        choices=[("", _("I would rather not say")), *AgeBand.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only ever shown for groups of 10 or more people."),
        error_messages={"invalid_choice": _("Choose an age from the list")},
    )

    def __init__(
        self,
        *args: Any,
        exercise: Exercise,
        priorities: list[Priority],
        paper_wards: list[Ward] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.exercise = exercise
        self.priorities = priorities
        self.paper = paper_wards is not None
        if exercise.method == Method.DOTS:
            for p in priorities:
                self.fields[f"p{p.pk}"] = forms.IntegerField(
                    label=p.title,
                    min_value=0,
                    max_value=exercise.dots,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                    error_messages={
                        "invalid": _("Enter a whole number of dots for “%(t)s”") % {"t": p.title},
                        "min_value": _("The dots for “%(t)s” cannot be less than 0")
                        % {"t": p.title},
                        "max_value": _("You can put at most %(n)s dots on “%(t)s”")
                        % {"n": exercise.dots, "t": p.title},
                    },
                )
        else:
            self.fields["chosen"] = forms.TypedMultipleChoiceField(
                label=_("Tick every priority you support"),
                choices=[(p.pk, p.title) for p in priorities],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Choose from the priorities on the ballot")},
            )
        if paper_wards is not None:
            age = self.fields["age_band"]
            age.label = _("Age written on the ballot (optional)")
            self.fields["ward"] = forms.TypedChoiceField(
                label=_("Ward written on the ballot (optional)"),
                choices=[("", _("Not given")), *[(w.pk, w.name) for w in paper_wards]],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": _("Choose a ward from the list")},
            )
            self.wards = {w.pk: w for w in paper_wards}
            self.order_fields(
                [k for k in self.fields if k not in ("age_band", "ward")] + ["ward", "age_band"]
            )
        else:
            self.order_fields([k for k in self.fields if k != "age_band"] + ["age_band"])

    def dot_fields(self) -> list[forms.BoundField]:
        return [self[f"p{p.pk}"] for p in self.priorities if f"p{p.pk}" in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices: dict[int, int] = {}
        if self.exercise.method == Method.DOTS:
            for p in self.priorities:
                value = data.get(f"p{p.pk}")
                if value:
                    choices[p.pk] = value
            if not self.errors:
                used = sum(choices.values())
                first = self.dot_fields()[0].name if self.priorities else None
                if used > self.exercise.dots:
                    self.add_error(
                        first,
                        _("You have %(n)s dots to share out: you used %(used)s. Take some off.")
                        % {"n": self.exercise.dots, "used": used},
                    )
                elif not used:
                    self.add_error(first, _("Put at least one dot on a priority"))
        else:
            choices = dict.fromkeys(data.get("chosen") or [], 1)
            if "chosen" not in self.errors and not choices:
                self.add_error("chosen", _("Tick at least one priority"))
        data["choices"] = choices
        if self.paper:
            ward_pk = data.get("ward")
            data["ward_obj"] = self.wards.get(ward_pk) if ward_pk else None
        return data


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label=_("Merge it into"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the priority to merge it into"),
            "invalid_choice": _("Choose the priority to merge it into"),
        },
    )

    def __init__(self, *args: Any, targets: list[Priority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {p.pk: p for p in targets}
        field = self.fields["into"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, p.title) for p in targets]
