"""Forms for resident groups, with plain-English messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import InviteByEmailForm, PlainTextField
from grassroots.core.text import has_control_characters
from grassroots.groups.models import Group, Joining
from grassroots.places.models import Council, Ward

MAX_NAME = 120
MAX_DESCRIPTION = 5000
MAX_QUERY = 100


class WardChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Ward checkboxes; a retired ward (kept only for a group that had it) says so."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.retired_at is not None:
            return str(_("%(ward)s (no longer a ward)") % {"ward": obj.name})
        return str(obj.name)


class GroupForm(forms.Form):
    name = PlainTextField(
        name=True,
        label=_("Name of the group"),
        max_length=MAX_NAME,
        help_text=_("A name neighbours will recognise, like “Friends of Brook Street park”."),
        error_messages={
            "required": _("Enter a name for the group"),
            "max_length": _("Name must be 120 characters or fewer"),
            "null_characters_not_allowed": _("Name must not contain control characters"),
        },
    )
    description = PlainTextField(
        label=_("What the group is for"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do together, when you meet and who is welcome."),
        error_messages={
            "required": _("Say what the group is for"),
            "max_length": _("What the group is for must be 5,000 characters or fewer"),
            "null_characters_not_allowed": _(
                "What the group is for must not contain control characters"
            ),
        },
    )
    wards = WardChoiceField(
        label=_("Wards (optional)"),
        queryset=Ward.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose the wards the group is active in, if it is about particular places."),
        error_messages={
            "invalid_choice": _("Choose wards from the list"),
            "invalid_pk_value": _("Choose wards from the list"),
            "list": _("Choose wards from the list"),
        },
    )
    joining = forms.ChoiceField(
        label=_("Who can join"),
        choices=Joining.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who can join the group"),
            "invalid_choice": _("Choose who can join the group"),
        },
    )

    def __init__(
        self, *args: Any, council: Council, group: Group | None = None, **kwargs: Any
    ) -> None:
        """`council`: the group's council area (chosen first; it does not change later).

        `group`: the group being edited. Only current wards can be chosen, except that a ward
        retired since the group chose it stays on offer (and ticked), so saving the form does
        not quietly take it off the group.
        """
        super().__init__(*args, **kwargs)
        self.council = council
        ward_field = self.fields["wards"]
        assert isinstance(ward_field, forms.ModelMultipleChoiceField)
        offered = Q(retired_at__isnull=True)
        if group is not None and group.pk is not None:
            offered |= Q(pk__in=group.wards.through.objects.filter(group=group).values("ward_id"))
        ward_field.queryset = Ward.objects.filter(offered, council=council).order_by("name")

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name for the group"))
        if has_control_characters(name):
            raise forms.ValidationError(_("Name must not contain control characters"))
        return name

    def clean_description(self) -> str:
        description: str = self.cleaned_data["description"].strip()
        if has_control_characters(description):
            raise forms.ValidationError(
                _("What the group is for must not contain control characters")
            )
        return description


class CouncilForm(forms.Form):
    """The first question when starting a group: which council area it is in."""

    council = forms.ModelChoiceField(
        label=_("Which council area is the group in?"),
        queryset=Council.objects.order_by("name"),
        empty_label=_("Choose a council"),
        to_field_name="slug",
        error_messages={
            "required": _("Choose the council area the group is in"),
            "invalid_choice": _("Choose a council from the list"),
        },
    )


class WardFilterField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.council.name})"


class InviteForm(InviteByEmailForm):
    """Organisers invite by the email of an account; the service finds the account."""


class FilterForm(forms.Form):
    """The list page's filters: all optional; anything unusable is ignored with a message."""

    q = PlainTextField(
        label=_("Search by name"),
        required=False,
        max_length=MAX_QUERY,
        error_messages={"max_length": _("Search must be 100 characters or fewer")},
    )
    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=Council.objects.none(),
        required=False,
        empty_label=_("All councils"),
        to_field_name="slug",
        error_messages={"invalid_choice": _("Choose a council from the list")},
    )
    ward = WardFilterField(
        label=_("Ward"),
        queryset=Ward.objects.none(),
        required=False,
        empty_label=_("All wards"),
        error_messages={"invalid_choice": _("Choose a ward from the list")},
    )
    archived = forms.BooleanField(
        label=_("Show archived groups instead"),
        required=False,
        help_text=_("Groups that have finished. You can still read them."),
    )

    def __init__(
        self, *args: Any, councils: QuerySet[Council], wards: QuerySet[Ward], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        council_field = self.fields["council"]
        ward_field = self.fields["ward"]
        assert isinstance(council_field, forms.ModelChoiceField)
        assert isinstance(ward_field, forms.ModelChoiceField)
        council_field.queryset = councils
        ward_field.queryset = wards

    def clean_q(self) -> str:
        q: str = self.cleaned_data["q"]
        return "" if has_control_characters(q) else " ".join(q.split())
