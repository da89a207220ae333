"""Forms for partnerships, funds and plans, with GOV.UK's plain messages. The services check
everything again; the forms say it first, beside the right box."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from grassroots.accounts.models import User
from grassroots.core.forms import CleanTextMixin, GovukDateField, text_field
from grassroots.funding import orgids
from grassroots.funding.models import MemberRole, Partnership, PlanLine
from grassroots.funding.money import PoundsField, pounds
from grassroots.funding.services.partners import MAX_HORIZON
from grassroots.funding.services.plans import MAX_LINES, LineInput
from grassroots.places.models import Ward

YES_NO = [("yes", _lazy("Yes")), ("no", _lazy("No"))]


class PartnershipForm(CleanTextMixin, forms.Form):
    name = text_field(
        _lazy("Name of the partnership"),
        _lazy("Enter the partnership’s name"),
        _lazy("The name must be 200 characters or fewer"),
        200,
    )


class SeatForm(CleanTextMixin, forms.Form):
    role = forms.ChoiceField(
        label=_lazy("Role"),
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        initial=MemberRole.MEMBER,
        error_messages={
            "required": _lazy("Choose the member’s role"),
            "invalid_choice": _lazy("Choose the member’s role"),
        },
    )
    resident = forms.ChoiceField(
        label=_lazy("Are they a resident member?"),
        help_text=_lazy(
            "Somebody who lives in the area and is not there for an organisation. A councillor "
            "or a council officer is never a resident member."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": _lazy("Say whether they are a resident member"),
            "invalid_choice": _lazy("Say whether they are a resident member"),
        },
    )
    represents = text_field(
        _lazy("Organisation they represent (optional)"),
        "",
        _lazy("The organisation’s name must be 200 characters or fewer"),
        200,
        required=False,
    )

    @property
    def is_resident(self) -> bool:
        return bool(self.cleaned_data.get("resident") == "yes")


class MemberAddForm(SeatForm):
    email = forms.EmailField(
        label=_lazy("Email address of their account"),
        help_text=_lazy("They need an account on this site first."),
        max_length=254,
        error_messages={
            "required": _lazy("Enter the email address of their account"),
            "invalid": _lazy("Enter an email address in the correct format, like name@example.com"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["email", "role", "resident", "represents"]

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("There is no account with that email address. Ask them to sign up first")
            )
        return user


class QuorumForm(forms.Form):
    percent = forms.IntegerField(
        label=_lazy("Quorum, as a percentage of the members"),
        help_text=_lazy("At least this share of the current members must take part in a decision."),
        min_value=1,
        max_value=100,
        error_messages={
            "required": _lazy("Enter the quorum as a percentage"),
            "invalid": _lazy("Enter the quorum as a whole number, like 50"),
            "min_value": _lazy("The quorum must be at least 1 per cent"),
            "max_value": _lazy("The quorum cannot be more than 100 per cent"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    residents_majority = forms.ChoiceField(
        label=_lazy("Must residents be the majority of those taking part?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": _lazy("Say whether residents must be the majority"),
            "invalid_choice": _lazy("Say whether residents must be the majority"),
        },
    )


def _org_id_field(label: Any, required_message: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=_lazy(
            "Its identifier from org-id.guide: the register’s prefix, then its number on that "
            "register, like GB-CHC-1147511 (a charity) or GB-COH-01234567 (a company)."
        ),
        max_length=100,
        error_messages={
            "required": required_message,
            "max_length": _lazy("The identifier must be 100 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class FundForm(CleanTextMixin, forms.Form):
    name = text_field(
        _lazy("Name of the fund"),
        _lazy("Enter the fund’s name"),
        _lazy("The fund’s name must be 200 characters or fewer"),
        200,
    )
    description = text_field(
        _lazy("Description (optional)"),
        "",
        _lazy("The description must be 5,000 characters or fewer"),
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wards = forms.ModelMultipleChoiceField(
        label=_lazy("Area"),
        help_text=_lazy("The wards the fund is for."),
        queryset=Ward.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _lazy("Choose at least one ward"),
            "invalid_choice": _lazy("Choose wards from the list"),
            "invalid_pk_value": _lazy("Choose wards from the list"),
        },
    )
    partnership = forms.ModelChoiceField(
        label=_lazy("Partnership that decides how it is spent"),
        queryset=Partnership.objects.none(),
        empty_label=_lazy("Choose a partnership"),
        error_messages={
            "required": _lazy("Choose the partnership"),
            "invalid_choice": _lazy("Choose a partnership from the list"),
        },
    )
    total = PoundsField(
        label=_lazy("Total, in pounds"),
        help_text=_lazy("What the funder puts in over the fund’s life, like 1000000"),
        error_messages={"required": _lazy("Enter the fund’s total in pounds")},
    )
    funder_name = text_field(
        _lazy("Funder"),
        _lazy("Enter the funder’s name"),
        _lazy("The funder’s name must be 200 characters or fewer"),
        200,
    )
    funder_org_id = _org_id_field(
        _lazy("Funder’s organisation identifier"), _lazy("Enter the funder’s identifier")
    )
    holder_name = text_field(
        _lazy("Locally trusted organisation"),
        _lazy("Enter the name of the locally trusted organisation"),
        _lazy("The organisation’s name must be 200 characters or fewer"),
        200,
        help_text=_lazy("The organisation that holds the money and makes the payments."),
    )
    holder_org_id = _org_id_field(
        _lazy("Locally trusted organisation’s identifier"),
        _lazy("Enter the locally trusted organisation’s identifier"),
    )
    starts_on = GovukDateField(
        label=_lazy("Start date"),
        name=_lazy("Start date"),
        required_message=_lazy("Enter the date the fund starts"),
    )
    horizon_years = forms.IntegerField(
        label=_lazy("How many years it runs for"),
        min_value=1,
        max_value=MAX_HORIZON,
        error_messages={
            "required": _lazy("Enter how many years the fund runs for"),
            "invalid": _lazy("Enter the number of years as a whole number, like 10"),
            "min_value": _lazy("The fund must run for at least 1 year"),
            "max_value": _lazy("The fund can run for at most 25 years"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(
        self,
        *args: Any,
        wards: QuerySet[Ward],
        partnerships: QuerySet[Partnership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        wards_field = self.fields["wards"]
        assert isinstance(wards_field, forms.ModelMultipleChoiceField)
        wards_field.queryset = wards
        partnership_field = self.fields["partnership"]
        assert isinstance(partnership_field, forms.ModelChoiceField)
        partnership_field.queryset = partnerships

    def _clean_org_id(self, name: str) -> str:
        identifier = orgids.normalise(self.cleaned_data[name])
        problem = orgids.problem(identifier)
        if problem:
            raise forms.ValidationError(problem)
        return identifier

    def clean_funder_org_id(self) -> str:
        return self._clean_org_id("funder_org_id")

    def clean_holder_org_id(self) -> str:
        return self._clean_org_id("holder_org_id")

    def clean_starts_on(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("starts_on")
        if day is not None and not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("The start date must be between 2000 and 2100"))
        return day


# --- The plan --------------------------------------------------------------------------------


class PlanForm(forms.Form):
    """The plan as a grid: a row per priority (its name, an amount per year, "remove"), plus
    empty rows for new priorities. No JavaScript: "Add another priority" posts the grid back
    and it comes back with one more empty row.

    Fields: `summary`, `based_on`, `rows` (how many rows the grid has), and for each row i
    `r<i>_ref` (hidden; empty for a new row), `r<i>_title`, `r<i>_remove`, `r<i>_y<year>`."""

    summary = text_field(
        _lazy("What changed and why"),
        _lazy("Say what changed in the plan and why"),
        _lazy("What changed and why must be 2,000 characters or fewer"),
        2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        data: Any = None,
        *,
        lines: list[PlanLine],
        allocations: dict[int, dict[int, int]],
        years: list[int],
        fund_total: int,
        based_on: int,
        add_row: bool = False,
    ) -> None:
        self.lines = {line.ref: line for line in lines}
        self.years = years
        self.fund_total = fund_total
        initial: dict[str, Any] = {"based_on": based_on}
        refs: list[str]
        if data is not None:
            count = _row_count(data.get("rows"), default=len(lines) + 1)
            refs = [str(data.get(f"r{i}_ref", "")) for i in range(count)]
        else:
            refs = [line.ref for line in lines] + [""]
            for i, line in enumerate(lines):
                initial[f"r{i}_title"] = line.title
                for year in years:
                    initial[f"r{i}_y{year}"] = allocations.get(line.pk, {}).get(year, 0)
        if add_row and len(refs) < MAX_LINES:
            refs.append("")
        super().__init__(data, initial=initial)
        self.row_count = len(refs)
        for i, ref in enumerate(refs):
            known = self.lines.get(ref)
            name = known.title if known else _("New priority %(n)d") % {"n": i + 1}
            self.fields[f"r{i}_ref"] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=60
            )
            self.initial.setdefault(f"r{i}_ref", ref)
            self.fields[f"r{i}_title"] = text_field(
                _("Name of priority %(n)d") % {"n": i + 1},
                "",
                _("A priority’s name must be 150 characters or fewer"),
                150,
                required=False,
            )
            self.fields[f"r{i}_remove"] = forms.BooleanField(
                label=_("Remove %(name)s") % {"name": name}, required=False
            )
            for year in years:
                self.fields[f"r{i}_y{year}"] = PoundsField(
                    label=_("%(name)s, year %(year)d, in pounds") % {"name": name, "year": year},
                    min_pence=0,
                    required=False,
                    error_messages={
                        "invalid": _(
                            "Enter %(name)s’s allocation for year %(year)d in pounds, like 5000"
                        )
                        % {"name": name, "year": year},
                        "too_small": _(
                            "%(name)s’s allocation for year %(year)d cannot be less than £0"
                        )
                        % {"name": name, "year": year},
                    },
                )

    def rows(self) -> list[dict[str, Any]]:
        """For the template: each row's fields and, once cleaned, its total."""
        result = []
        for i in range(self.row_count):
            result.append(
                {
                    "index": i,
                    "ref": self[f"r{i}_ref"],
                    "title": self[f"r{i}_title"],
                    "remove": self[f"r{i}_remove"],
                    "cells": [self[f"r{i}_y{year}"] for year in self.years],
                    "line": self.lines.get(self._ref(i)),
                }
            )
        return result

    def _ref(self, i: int) -> str:
        if self.is_bound:
            return str(self.data.get(f"r{i}_ref", ""))
        return str(self.initial.get(f"r{i}_ref", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines: list[LineInput] = []
        total = 0
        for i in range(self.row_count):
            ref = str(cleaned.get(f"r{i}_ref") or "")
            if ref and ref not in self.lines:
                raise forms.ValidationError(
                    _("A priority is not in the current plan any more. Start again from it")
                )
            if cleaned.get(f"r{i}_remove"):
                continue
            title = str(cleaned.get(f"r{i}_title") or "").strip()
            amounts = {year: cleaned.get(f"r{i}_y{year}") for year in self.years}
            if any(f"r{i}_y{year}" in self.errors for year in self.years):
                continue
            if not title:
                if ref or any(amounts.values()):
                    self.add_error(
                        f"r{i}_title", _("Enter a name for priority %(n)d") % {"n": i + 1}
                    )
                continue
            allocations = {year: int(amount) for year, amount in amounts.items() if amount}
            total += sum(allocations.values())
            lines.append(LineInput(title=title, ref=ref, allocations=allocations))
        if not lines and not self.errors:
            raise forms.ValidationError(_("Add at least one priority to the plan"))
        if total > self.fund_total:
            raise forms.ValidationError(
                _(
                    "The plan adds up to %(total)s over all its years, more than the fund’s "
                    "%(fund)s. Take %(over)s off"
                )
                % {
                    "total": pounds(total),
                    "fund": pounds(self.fund_total),
                    "over": pounds(total - self.fund_total),
                }
            )
        cleaned["lines"] = lines
        return cleaned


def _row_count(value: Any, *, default: int) -> int:
    text = str(value or "")
    if text.isdigit() and 1 <= int(text) <= MAX_LINES:
        return int(text)
    return max(1, min(default, MAX_LINES))


class CarryInForm(forms.Form):
    priorities = forms.MultipleChoiceField(
        label=_lazy("Priorities to add to the plan"),
        help_text=_lazy("Ranked by the exercise’s results. Nothing is allocated to them yet."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _lazy("Choose at least one priority to add to the plan"),
            "invalid_choice": _lazy("Choose priorities from the list"),
        },
    )
    summary = text_field(
        _lazy("What changed and why (optional)"),
        "",
        _lazy("What changed and why must be 2,000 characters or fewer"),
        2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["priorities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
