"""Forms for participatory-budgeting rounds, with plain-English GOV.UK error messages. The
services check everything again; the forms say it first, beside the right box."""

from __future__ import annotations

import datetime
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, GovukDateField, text_field
from grassroots.funding.models import (
    Completion,
    GreedyVariant,
    PlanLine,
    Proposal,
    RoundRule,
    Utility,
)
from grassroots.funding.money import PoundsField, pounds
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative

LONDON = ZoneInfo("Europe/London")


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the UK, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON)


def _radio(label: Any, choices: Any, message: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


class RoundForm(CleanTextMixin, forms.Form):
    title = text_field(
        _("Title"),
        _("Enter the round's title"),
        _("The title must be 150 characters or fewer"),
        150,
        help_text=_("For example, “Riverside decides 2027”"),
    )
    description = text_field(
        _("What it is for (optional)"),
        "",
        _("The description must be 5,000 characters or fewer"),
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan_line = forms.ModelChoiceField(
        label=_("Which priority of the plan the round serves"),
        queryset=PlanLine.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("The grants the vote makes count as spending on this priority."),
        error_messages={
            "required": _("Choose the priority the round serves"),
            "invalid_choice": _("Choose one of the plan's priorities"),
        },
    )
    # max_length=None: money.PoundsField's default length check runs on the cleaned pence
    # (an int) and fails; the amount is bounded by its own checks instead.
    budget = PoundsField(
        max_length=None,
        label=_("Budget, in pounds"),
        error_messages={"required": _("Enter the budget")},
    )
    proposals_open = GovukDateField(
        label=_("Proposals open on"),
        name=_("The date proposals open"),
        required_message=_("Enter the date proposals open"),
    )
    proposals_close = GovukDateField(
        label=_("Proposals close on"),
        name=_("The date proposals close"),
        required_message=_("Enter the date proposals close"),
        help_text=_("At the start of this day. For example, 27 3 2027"),
    )
    voting_opens = GovukDateField(
        label=_("Voting opens on"),
        name=_("The date voting opens"),
        required_message=_("Enter the date voting opens"),
        help_text=_(
            "The partnership checks the proposals before then. At the start of this day. "
            "For example, 27 3 2027"
        ),
    )
    voting_closes = GovukDateField(
        label=_("Voting closes on"),
        name=_("The date voting closes"),
        required_message=_("Enter the date voting closes"),
        help_text=_("At the start of this day. For example, 27 3 2027"),
    )
    rule = _radio(
        _("How the votes are counted"), RoundRule.choices, _("Choose how the votes are counted")
    )
    greedy_variant = _radio(
        _("Most votes first: when a project does not fit in what is left"),
        GreedyVariant.choices,
        _("Choose what happens when a project does not fit"),
        initial=GreedyVariant.SKIP,
    )
    min_votes = forms.IntegerField(
        label=_("Most votes first: fewest votes a project needs (optional)"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the fewest votes as a whole number, like 10"),
            "min_value": _("The fewest votes a project needs cannot be less than 0"),
        },
    )
    utility = _radio(
        _("Equal Shares: how voters value projects"),
        Utility.choices,
        _("Choose how voters value projects"),
        initial=Utility.COST,
    )
    completion = _radio(
        _("Equal Shares: using what is left"),
        Completion.choices,
        _("Choose what happens to money left over"),
        initial=Completion.NONE,
    )
    ballot_limit = PoundsField(
        max_length=None,
        label=_("Spending limit per ballot, in pounds (optional)"),
        required=False,
        help_text=_(
            "The most the projects one voter ticks may cost together. Leave empty for no limit."
        ),
    )

    def __init__(
        self,
        *args: Any,
        available_pence: int,
        lines: QuerySet[PlanLine] | None = None,
        **kwargs: Any,
    ) -> None:
        """`lines`: the current plan's priorities, one of which the round must serve; None
        when the fund has no plan (the question is not asked)."""
        super().__init__(*args, **kwargs)
        if lines is None:
            del self.fields["plan_line"]
        else:
            field = self.fields["plan_line"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = lines
        self.available_pence = available_pence
        self.fields["budget"].help_text = _("The fund has %(left)s available.") % {
            "left": pounds(available_pence)
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dates = ["proposals_open", "proposals_close", "voting_opens", "voting_closes"]
        messages = {
            "proposals_close": _("Proposals must close after they open"),
            "voting_opens": _("Voting must open after proposals close"),
            "voting_closes": _("Voting must close after it opens"),
        }
        for before, after in itertools.pairwise(dates):
            if data.get(before) and data.get(after) and data[after] <= data[before]:
                self.add_error(after, messages[after])
                break
        budget = data.get("budget")
        if budget is not None and budget > self.available_pence:
            self.add_error(
                "budget",
                _("The budget must be no more than the %(left)s the fund has available")
                % {"left": pounds(self.available_pence)},
            )
        limit = data.get("ballot_limit")
        if budget is not None and limit is not None and limit > budget:
            self.add_error(
                "ballot_limit", _("The spending limit per ballot must be no more than the budget")
            )
        rule = data.get("rule")
        if rule == RoundRule.GREEDY and data.get("completion") == Completion.ADD_ONE:
            self.add_error(
                "completion", _("The add-one completion only applies to the Method of Equal Shares")
            )
        if rule == RoundRule.MES and data.get("min_votes"):
            self.add_error(
                "min_votes", _("A minimum number of votes only applies to most votes first")
            )
        data["min_votes"] = data.get("min_votes") or 0
        data.setdefault("plan_line", None)
        return data


class ProposalForm(CleanTextMixin, forms.Form):
    title = text_field(
        _("Name of the project"),
        _("Enter the project's name"),
        _("The project's name must be 150 characters or fewer"),
        150,
        help_text=_("A few words, like “Benches along the canal path”"),
    )
    description = text_field(
        _("What it is"),
        _("Say what the project is"),
        _("What the project is must be 5,000 characters or fewer"),
        5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What it would do, where, and who it is for."),
    )
    cost = PoundsField(
        max_length=None,
        label=_("What it would cost, in pounds"),
        error_messages={"required": _("Enter what the project would cost")},
    )
    on_behalf = forms.ChoiceField(
        label=_("Who is proposing it"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who is proposing it"),
            "invalid_choice": _("Choose who is proposing it"),
        },
    )

    def __init__(
        self,
        *args: Any,
        budget_pence: int,
        initiatives: list[Initiative],
        groups: list[Group],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cost = self.fields["cost"]
        assert isinstance(cost, PoundsField)
        cost.max_pence = budget_pence
        cost.help_text = _("No more than the round's budget of %(budget)s.") % {
            "budget": pounds(budget_pence)
        }
        self.initiatives = {i.pk: i for i in initiatives}
        self.groups = {g.pk: g for g in groups}
        choices: list[tuple[str, Any]] = [("me", _("Me"))]
        choices += [
            (f"initiative:{i.pk}", _("The initiative %(name)s") % {"name": i.title})
            for i in initiatives
        ]
        choices += [(f"group:{g.pk}", _("The group %(name)s") % {"name": g.name}) for g in groups]
        field = self.fields["on_behalf"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.initial = "me"
        if len(choices) == 1:
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, _sep, key = (data.get("on_behalf") or "me").partition(":")
        data["initiative"] = self.initiatives.get(int(key)) if kind == "initiative" else None
        data["group"] = self.groups.get(int(key)) if kind == "group" else None
        return data


class CheckForm(CleanTextMixin, forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Is it eligible?"),
        choices=[("yes", _("Yes, put it on the ballot")), ("no", _("No, it is not eligible"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether the proposal is eligible"),
            "invalid_choice": _("Say whether the proposal is eligible"),
        },
    )
    reason = text_field(
        _("If not, why not"),
        "",
        _("The reason must be 5,000 characters or fewer"),
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposer sees this."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("eligible") is False and not data.get("reason"):
            self.add_error("reason", _("Say why the proposal is not eligible"))
        return data


class PBBallotForm(forms.Form):
    """Checkboxes for the projects on the ballot; works without JavaScript."""

    chosen = forms.TypedMultipleChoiceField(
        label=_("Tick every project you support"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one project"),
            "invalid_choice": _("Choose from the projects on the ballot"),
        },
    )

    def __init__(
        self, *args: Any, proposals: list[Proposal], limit_pence: int | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.proposals = {p.pk: p for p in proposals}
        self.limit_pence = limit_pence
        field = self.fields["chosen"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (p.pk, _("%(title)s (%(cost)s)") % {"title": p.title, "cost": pounds(p.cost_pence)})
            for p in proposals
        ]
        if limit_pence is not None:
            field.help_text = _("The projects you tick may cost up to %(limit)s together.") % {
                "limit": pounds(limit_pence)
            }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("chosen") or []
        total = sum(self.proposals[pk].cost_pence for pk in chosen if pk in self.proposals)
        if self.limit_pence is not None and total > self.limit_pence:
            self.add_error(
                "chosen",
                _(
                    "The projects you ticked cost %(total)s together: you can choose up to "
                    "%(limit)s. Untick some."
                )
                % {"total": pounds(total), "limit": pounds(self.limit_pence)},
            )
        return data
