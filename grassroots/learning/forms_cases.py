"""Forms for case studies, with plain-English messages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import PlainTextField, text_field
from grassroots.directory.models_assets import Asset
from grassroots.events.models import Event
from grassroots.funding.models import Fund
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, Theme, Visibility
from grassroots.learning.models_cases import CaseResult, CaseStudy, PlaceType, field_label
from grassroots.learning.services_cases import (
    MAX_HOW,
    MAX_NAME,
    MAX_ROLE,
    MAX_SUMMARY,
    MAX_TEXT,
    MAX_TITLE,
    TEXT_FIELDS,
)
from grassroots.places.models import Council, Ward
from grassroots.support.models import SupportKind

MAX_QUERY = 100
LINK_CHOICES = 30

_HINTS = {
    "challenge": _("What was wrong, and for whom, before residents started."),
    "residents_did": _("What residents did, step by step. You can use Markdown."),
    "facilitate": _("How councillors brought people together, hosted or mediated."),
    "connect": _("Who councillors introduced residents to: people, organisations, officers."),
    "advocate": _("What councillors raised inside the council, and how."),
    "council_did": _("Decisions, money, permissions or officers' time."),
    "outcomes": _("What changed, and for whom."),
    "evidence": _("Figures, feedback or reports that show it."),
    "differently": _("What they would change if they started again."),
}


def _choice_errors(what: Any) -> dict[str, Any]:
    message = _("Choose %(what)s from the list") % {"what": what}
    return {"invalid_choice": message, "invalid_pk_value": message, "list": message}


def _links(label: Any, model: type[Any], things: Any) -> forms.ModelMultipleChoiceField[Any]:
    """An optional set of checkboxes; `__init__` sets what it offers (`_set`)."""
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=model.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_choice_errors(things),
    )


class FilterForm(forms.Form):
    q = PlainTextField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={"max_length": _("Search must be 100 characters or fewer")},
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("All themes")), *Theme.choices],
        error_messages={"invalid_choice": _("Choose a theme from the list")},
    )
    role = forms.ChoiceField(
        label=_("What councillors did"),
        required=False,
        choices=[("", _("Any role")), *SupportKind.choices],
        error_messages={"invalid_choice": _("Choose a councillor role from the list")},
    )
    place_type = forms.ChoiceField(
        label=_("Type of place"),
        required=False,
        choices=[("", _("Any place")), *PlaceType.choices],
        error_messages={"invalid_choice": _("Choose a type of place from the list")},
    )
    result = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *CaseResult.choices],
        error_messages={"invalid_choice": _("Choose an outcome from the list")},
    )


class StartForm(forms.Form):
    """Starting the story of an initiative; a safeguarded one needs the leads' consent."""

    consent = forms.BooleanField(
        label=_(
            "We agree that this story may be published without names, and without places "
            "finer than the council, once we have approved the final text"
        ),
        required=False,
    )

    def __init__(self, *args: Any, safeguarded: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.safeguarded = safeguarded
        if not safeguarded:
            del self.fields["consent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.safeguarded and not data.get("consent"):
            self.add_error(
                "consent",
                _("Confirm that the leads agree to the story being published anonymised"),
            )
        return data


class NewCaseForm(forms.Form):
    title = text_field(
        _("Title"),
        _("Enter a title"),
        _("The title must be 150 characters or fewer"),
        MAX_TITLE,
    )
    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=Council.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Choose a council"),
        error_messages={
            "required": _("Choose the council"),
            "invalid_choice": _("Choose a council from the list"),
        },
    )


class CaseForm(forms.Form):
    title = text_field(
        _("Title"), _("Enter a title"), _("The title must be 150 characters or fewer"), MAX_TITLE
    )
    summary = text_field(
        _("Summary (optional)"),
        "",
        _("The summary must be 300 characters or fewer"),
        MAX_SUMMARY,
        required=False,
        help_text=_("One or two sentences for the list of case studies."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one theme"), **_choice_errors(_("themes"))},
    )
    place_type = forms.ChoiceField(
        label=_("Type of place"),
        choices=PlaceType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the type of place"),
            "invalid_choice": _("Choose the type of place from the list"),
        },
    )
    result = forms.ChoiceField(
        label=_("How it turned out"),
        choices=CaseResult.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how it turned out"),
            "invalid_choice": _("Choose how it turned out from the list"),
        },
    )
    wards = _links(_("Wards (optional)"), Ward, _("wards"))
    anonymised = forms.BooleanField(
        label=_("Publish without names or wards (anonymised)"), required=False
    )
    related_initiatives = _links(_("Related initiatives (optional)"), Initiative, _("initiatives"))
    groups = _links(_("Groups (optional)"), Group, _("groups"))
    funds = _links(_("Funds (optional)"), Fund, _("funds"))
    assets = _links(_("Places that matter (optional)"), Asset, _("places"))
    events = _links(_("Events (optional)"), Event, _("events"))

    def __init__(self, *args: Any, case: CaseStudy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            label = field_label(name)
            self.fields[name] = text_field(
                f"{label} " + str(_("(optional)")) if name != "challenge" else label,
                _("Say what the challenge was") if name == "challenge" else "",
                _("%(field)s must be %(max)s characters or fewer")
                % {"field": label, "max": f"{MAX_TEXT:,}"},
                MAX_TEXT,
                required=name == "challenge",
                help_text=_HINTS[name],
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        council = case.council
        self._set("wards", Ward.objects.filter(council=council, retired_at__isnull=True))
        self._set(
            "related_initiatives",
            Initiative.objects.filter(
                wards__council=council,
                visibility=Visibility.PUBLIC,
                hidden_at__isnull=True,
                stage__in=["achieved", "in_action"],
            )
            .exclude(pk=case.initiative_id or 0)
            .distinct()
            .order_by("title"),
        )
        self._set("groups", Group.objects.filter(council=council).order_by("name"))
        self._set("funds", Fund.objects.filter(council=council).order_by("name"))
        self._set("assets", Asset.objects.filter(council=council).order_by("name"))
        events: QuerySet[Event] = Event.objects.none()
        if case.initiative_id is not None and not case.safeguarded:
            events = Event.objects.filter(initiative_id=case.initiative_id).order_by("starts_at")
        self._set("events", events)
        if case.safeguarded:
            for name in (
                "wards",
                "anonymised",
                "related_initiatives",
                "groups",
                "events",
                "assets",
            ):
                del self.fields[name]

    def _set(self, name: str, queryset: QuerySet[Any]) -> None:
        """Offer at most `LINK_CHOICES` (what is already chosen stays offered)."""
        field = self.fields[name]
        ids = list(queryset.values_list("pk", flat=True)[:LINK_CHOICES])
        initial = self.initial.get(name) or []
        ids += [getattr(x, "pk", x) for x in initial]
        field.queryset = queryset.model.objects.filter(pk__in=ids)  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    name = text_field(
        _("Name"),
        _("Enter the person's name"),
        _("The name must be 120 characters or fewer"),
        MAX_NAME,
    )
    role = text_field(
        _("Role"),
        _("Enter the person's role"),
        _("The role must be 150 characters or fewer"),
        MAX_ROLE,
        help_text=_("For example: lead resident, ward councillor, community development officer."),
    )
    how_to_contact = text_field(
        _("How to contact them"),
        _("Enter how to contact them"),
        _("How to contact them must be 250 characters or fewer"),
        MAX_HOW,
        help_text=_("An email address or phone number they agreed to share."),
    )
    consent = forms.BooleanField(
        label=_("This person agreed to be named and contacted about this story"),
        error_messages={
            "required": _("Confirm that this person agreed to be contacted about the story")
        },
    )


class ReflectionForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Your main role"),
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your role"),
            "invalid_choice": _("Choose your role from the list"),
        },
    )
    text = text_field(
        _("Your reflection"),
        _("Enter your reflection"),
        _("Your reflection must be 10,000 characters or fewer"),
        MAX_TEXT,
        help_text=_(
            "What you did, what worked, and what you learned about working from the back seat."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that the final text names nobody and no place finer than the council"),
        required=False,
    )
