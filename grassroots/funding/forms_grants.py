"""Forms for applying, deciding and the treasurer's records, with GOV.UK error messages. The
services check everything again; the forms say it first, beside the right box."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, GovukDateField, text_field
from grassroots.core.times import govuk_date
from grassroots.events.models import Event
from grassroots.funding.models import MotionKind, PlanLine, VoteChoice
from grassroots.funding.money import PoundsField, pounds
from grassroots.funding.services.applications import (
    MAX_INTEREST,
    MAX_ITEM,
    MAX_OUTCOMES,
    MAX_TITLE,
    Cost,
)
from grassroots.funding.services.decisions import MAX_REASONS, MAX_WITHDRAWAL_REASON
from grassroots.funding.services.grant_money import MAX_NOTE

BUDGET_ROWS = 6


class ApplicationForm(CleanTextMixin, forms.Form):
    title = text_field(
        _("What the money is for"),
        _("Enter what the money is for"),
        _("What the money is for must be %(max)d characters or fewer") % {"max": MAX_TITLE},
        MAX_TITLE,
        help_text=_("A short title, for example “Planters for Mill Lane”"),
    )
    outcomes = text_field(
        _("What it will achieve"),
        _("Enter what it will achieve"),
        _("What it will achieve must be %(max)d characters or fewer") % {"max": MAX_OUTCOMES},
        MAX_OUTCOMES,
        help_text=_("Who it is for and what will be different because of it"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    plan_line = forms.ModelChoiceField(
        label=_("Which priority of the plan it serves"),
        queryset=PlanLine.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the priority it serves"),
            "invalid_choice": _("Choose one of the plan's priorities"),
        },
    )

    def __init__(
        self, *args: Any, lines: QuerySet[PlanLine], available_pence: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan_line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lines
        self.available_pence = available_pence
        for n in range(1, BUDGET_ROWS + 1):
            self.fields[f"item_{n}"] = text_field(
                _("Item %(n)d") % {"n": n},
                "",
                _("Each item must be %(max)d characters or fewer") % {"max": MAX_ITEM},
                MAX_ITEM,
                required=False,
            )
            self.fields[f"cost_{n}"] = PoundsField(
                label=_("Cost of item %(n)d, in pounds") % {"n": n},
                required=False,
                max_pence=10**12,
            )

    def budget_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"item_{n}"], self[f"cost_{n}"]) for n in range(1, BUDGET_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        budget = []
        for n in range(1, BUDGET_ROWS + 1):
            item = cleaned.get(f"item_{n}") or ""
            cost = cleaned.get(f"cost_{n}")
            if f"cost_{n}" in self.errors or f"item_{n}" in self.errors:
                continue
            if item and cost is None:
                self.add_error(f"cost_{n}", _("Enter the cost of item %(n)d") % {"n": n})
            elif cost is not None and not item:
                self.add_error(f"item_{n}", _("Enter what item %(n)d is") % {"n": n})
            elif item and cost is not None:
                budget.append(Cost(item=item, amount_pence=cost))
        if not budget and not any(k.startswith(("item_", "cost_")) for k in self.errors):
            self.add_error("item_1", _("Enter at least one item and its cost"))
        total = sum(cost.amount_pence for cost in budget)
        if budget and total > self.available_pence:
            self.add_error(
                "cost_1",
                _("The costs add up to %(total)s: the fund has %(available)s available")
                % {"total": pounds(total), "available": pounds(self.available_pence)},
            )
        cleaned["budget"] = budget
        return cleaned


class DeclareForm(CleanTextMixin, forms.Form):
    interest = text_field(
        _("Your interest"),
        _("Describe the interest"),
        _("The interest must be %(max)d characters or fewer") % {"max": MAX_INTEREST},
        MAX_INTEREST,
        help_text=_(
            "For example, “I am a trustee of the applying group” or “my partner runs the "
            "café that would supply the food”. Everyone who can see the application will see it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MotionForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you propose?"),
        choices=MotionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to approve or decline"),
            "invalid_choice": _("Choose whether to approve or decline"),
        },
    )
    amount = PoundsField(
        label=_("Amount to approve, in pounds (for an approval)"),
        required=False,
        help_text=_("Leave empty to approve the amount asked for"),
    )
    reasons = text_field(
        _("Reasons"),
        "",
        _("The reasons must be %(max)d characters or fewer") % {"max": MAX_REASONS},
        MAX_REASONS,
        required=False,
        help_text=_("Needed to decline or to approve less than was asked for"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    meeting = forms.ModelChoiceField(
        label=_("Partnership meeting (optional)"),
        queryset=Event.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the partnership's meetings")},
    )

    def __init__(
        self, *args: Any, asked_pence: int, meetings: QuerySet[Event], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.asked_pence = asked_pence
        amount = self.fields["amount"]
        assert isinstance(amount, PoundsField)
        amount.max_pence = asked_pence
        amount.error_messages["too_large"] = _(
            "The amount to approve cannot be more than the %(amount)s asked for"
        )
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = meetings
        meeting.label_from_instance = _meeting_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        amount = cleaned.get("amount")
        reasons = cleaned.get("reasons") or ""
        if kind == MotionKind.DECLINE:
            if amount is not None:
                self.add_error("amount", _("Leave the amount empty to decline"))
            if not reasons and "reasons" not in self.errors:
                self.add_error("reasons", _("Give the reasons for declining"))
        elif (
            kind == MotionKind.APPROVE
            and amount is not None
            and amount < self.asked_pence
            and not reasons
            and "reasons" not in self.errors
        ):
            self.add_error("reasons", _("Give the reasons for approving a lower amount"))
        return cleaned


def _meeting_label(event: Event) -> str:
    return f"{event.title} ({govuk_date(timezone.localtime(event.starts_at).date())})"


class WithdrawMotionForm(CleanTextMixin, forms.Form):
    reason = text_field(
        _("Why is the motion being withdrawn?"),
        _("Say why the motion is being withdrawn"),
        _("The reason must be %(max)d characters or fewer") % {"max": MAX_WITHDRAWAL_REASON},
        MAX_WITHDRAWAL_REASON,
        help_text=_(
            "For example, “not enough members have voted for a quorum”. It is shown in the "
            "decision record."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=VoteChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose for, against or abstain"),
            "invalid_choice": _("Choose for, against or abstain"),
        },
    )


def _note(label: Any, required_message: Any = "", **kwargs: Any) -> forms.CharField:
    return text_field(
        label,
        required_message,
        _("The note must be %(max)d characters or fewer") % {"max": MAX_NOTE},
        MAX_NOTE,
        required=bool(required_message),
        **kwargs,
    )


class PayForm(CleanTextMixin, forms.Form):
    amount = PoundsField(label=_("Amount paid, in pounds"))
    paid_on = GovukDateField(
        label=_("Date paid"),
        name=_("The date paid"),
        required_message=_("Enter the date paid"),
    )
    note = _note(_("Note (optional)"), help_text=_("For example, the payment's reference"))

    def clean_paid_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date paid must be today or in the past"))
        return day


class VaryForm(CleanTextMixin, forms.Form):
    amount = PoundsField(label=_("New amount of the grant, in pounds"))
    reason = _note(_("Reason"), _("Say why the grant is changing"))


class ReturnForm(CleanTextMixin, forms.Form):
    amount = PoundsField(label=_("Amount returned, in pounds"))
    note = _note(_("Note (optional)"))


class CloseGrantForm(CleanTextMixin, forms.Form):
    note = _note(_("Note (optional)"))


class CorrectForm(CleanTextMixin, forms.Form):
    reason = _note(_("Why is this being corrected?"), _("Say why this is being corrected"))
