"""Forms for places that matter and Assets of Community Value, with plain-English messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import CleanTextMixin, GovukDateField, text_field
from grassroots.directory import acv
from grassroots.directory.models_assets import AcvStatus, AssetKind, BodyKind, Decision
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.forms import check_postcode
from grassroots.places.models import Council, Ward
from grassroots.places.selectors import locate, ward_for_postcode

MAX_NAME = 150
MAX_TEXT = 5000
MAX_QUERY = 100

REASON_MESSAGES: dict[acv.IneligibleReason, Any] = {
    acv.IneligibleReason.PUBLIC_AUTHORITY: _(
        "A council or other public body cannot nominate land, unless it is a parish or town council"
    ),
    acv.IneligibleReason.NOT_A_COMMUNITY_BODY: _(
        "Only a community body can nominate land, such as a community group, a charity or a "
        "parish council"
    ),
    acv.IneligibleReason.LAND_OUTSIDE_PARISH: _(
        "A parish or town council can only nominate land in its own area"
    ),
    acv.IneligibleReason.TOO_FEW_LOCAL_MEMBERS: _(
        "A community group needs at least 21 members on the local electoral register to "
        "nominate land"
    ),
    acv.IneligibleReason.DISTRIBUTES_SURPLUS: _(
        "A body that shares its surplus among its members cannot nominate land"
    ),
    acv.IneligibleReason.CREDIT_UNION: _("A credit union cannot nominate land"),
    acv.IneligibleReason.NO_LOCAL_ACTIVITY: _(
        "The body's work must be about this area or a neighbouring one"
    ),
    acv.IneligibleReason.SURPLUS_NOT_SPENT_LOCALLY: _(
        "The body must spend any surplus for the good of this area or a neighbouring one"
    ),
}


class AssetForm(CleanTextMixin, forms.Form):
    name = text_field(
        _("Name of the place"),
        _("Enter the name of the place"),
        _("Name must be 150 characters or fewer"),
        MAX_NAME,
        help_text=_("What people call it, like “The Red Lion” or “Brook Street park”."),
    )
    kind = forms.ChoiceField(
        label=_("What kind of place is it?"),
        choices=AssetKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what kind of place it is"),
            "invalid_choice": _("Select what kind of place it is"),
        },
    )
    postcode = forms.CharField(
        label=_("Postcode of the place"),
        max_length=12,
        error_messages={
            "required": _("Enter the postcode of the place"),
            "max_length": _("Enter a real postcode, like SW1A 1AA"),
        },
    )
    description = text_field(
        _("Why it matters (optional)"),
        "",
        _("Why it matters must be 5,000 characters or fewer"),
        MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_postcode(self) -> str:
        result = ward_for_postcode(self.cleaned_data["postcode"])
        check_postcode(result)
        self.ward: Ward | None = result.ward
        location = locate(result.postcode or "")
        self.latitude, self.longitude = location.latitude, location.longitude
        return result.postcode or ""


class AssetFilterForm(forms.Form):
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=Council.objects.none(), required=False, to_field_name="slug"
    )
    kind = forms.ChoiceField(
        label=_("Kind of place"), choices=[("", _("Any kind")), *AssetKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Community value"),
        choices=[("", _("Any")), *AcvStatus.choices],
        required=False,
    )
    q = forms.CharField(label=_("Name contains"), max_length=MAX_QUERY, required=False)

    def __init__(self, *args: Any, councils: QuerySet[Council], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["council"]
        field.queryset = councils  # type: ignore[attr-defined]
        field.empty_label = _("Any council")  # type: ignore[attr-defined]
        for name in ("council", "kind", "status"):
            self.fields[name].error_messages["invalid_choice"] = _("Select from the list")
        self.fields["q"].error_messages["max_length"] = _("Search must be 100 characters or fewer")


class NominationForm(CleanTextMixin, forms.Form):
    group = forms.ModelChoiceField(
        label=_("Which group is nominating it?"),
        queryset=Group.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select the group that is nominating the place"),
            "invalid_choice": _("Select the group that is nominating the place"),
        },
    )
    body_kind = forms.ChoiceField(
        label=_("What kind of body is the group?"),
        choices=BodyKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what kind of body the group is"),
            "invalid_choice": _("Select what kind of body the group is"),
        },
    )
    local_electors = forms.IntegerField(
        label=_("How many of its members are on the electoral register in this area?"),
        help_text=_(
            "Count members registered to vote at an address in this council's area or a "
            "neighbouring council's. A community group needs at least 21."
        ),
        min_value=0,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter how many members are on the local electoral register"),
            "invalid": _("Number of members must be a whole number, like 25"),
            "min_value": _("Number of members must be 0 or more"),
            "max_value": _("Number of members must be 1,000,000 or fewer"),
        },
    )
    distributes_surplus = forms.TypedChoiceField(
        label=_("Does the group share any surplus among its members?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether the group shares any surplus among its members"),
            "invalid_choice": _("Select whether the group shares any surplus among its members"),
        },
    )
    reasons = text_field(
        _("How does the place further the social wellbeing or interests of the community?"),
        _("Say how the place furthers the community's wellbeing or interests"),
        _("Reasons must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    declaration = forms.BooleanField(
        label=_("I confirm that what I have told the council about the group is true"),
        error_messages={"required": _("Confirm that what you have told the council is true")},
    )

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("body_kind")
        electors = data.get("local_electors")
        surplus = data.get("distributes_surplus")
        if kind and electors is not None and surplus is not None:
            reasons = acv.ineligibility_reasons(
                acv.NominatingBody(
                    kind=acv.BodyKind(kind), local_electors=electors, distributes_surplus=surplus
                )
            )
            field_of = {
                acv.IneligibleReason.TOO_FEW_LOCAL_MEMBERS: "local_electors",
                acv.IneligibleReason.DISTRIBUTES_SURPLUS: "distributes_surplus",
            }
            for reason in reasons:
                self.add_error(field_of.get(reason, "body_kind"), REASON_MESSAGES[reason])
        return data


class DecisionForm(CleanTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("What did the council decide?"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether the council listed the place"),
            "invalid_choice": _("Select whether the council listed the place"),
        },
    )
    reasons = text_field(
        _("Reasons for the decision"),
        _("Enter the reasons for the decision"),
        _("Reasons must be 5,000 characters or fewer"),
        MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decided_on = GovukDateField(
        label=_("Date of the decision (optional)"),
        name=_("Date of the decision"),
        required_message="",
        required=False,
        help_text=_("Leave it empty for today. For example, 27 3 2027"),
    )


class SaleNoticeForm(forms.Form):
    received_on = GovukDateField(
        label=_("When did the council receive the owner's notice?"),
        name=_("Date the notice arrived"),
        required_message=_("Enter the date the notice arrived"),
    )


class BidRequestForm(CleanTextMixin, forms.Form):
    """An organiser picks their group; an officer types the name and the date it arrived."""

    group = forms.ModelChoiceField(
        label=_("Which group is asking?"),
        queryset=Group.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": _("Select the group that is asking")},
    )
    group_name = text_field(
        _("Name of the group that asked"),
        "",
        _("Name must be 150 characters or fewer"),
        MAX_NAME,
        required=False,
    )
    received_on = GovukDateField(
        label=_("When did the request reach the council? (optional)"),
        name=_("Date the request arrived"),
        required_message="",
        required=False,
        help_text=_("Leave it empty for today. For example, 27 3 2027"),
    )

    def __init__(self, *args: Any, groups: QuerySet[Group], officer: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        if not officer:
            del self.fields["group_name"]
            del self.fields["received_on"]
            self.fields["group"].required = True
            self.fields["group"].error_messages["required"] = _("Select the group that is asking")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        missing = not data.get("group") and not data.get("group_name")
        if self.officer and missing and "group_name" not in self.errors:
            self.add_error("group_name", _("Enter the name of the group that asked"))
        return data


class LinkInitiativeForm(forms.Form):
    initiative = forms.ModelChoiceField(
        label=_("Initiative you lead"),
        queryset=Initiative.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Select the initiative"),
            "invalid_choice": _("Select the initiative"),
        },
    )

    def __init__(self, *args: Any, initiatives: QuerySet[Initiative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = initiatives  # type: ignore[attr-defined]
