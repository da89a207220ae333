"""The form that says which place that matters a grant is for."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.directory.models_assets import Asset


class GrantAssetForm(forms.Form):
    asset = forms.ModelChoiceField(
        label=_("Which place is the grant for?"),
        queryset=Asset.objects.none(),
        required=False,
        empty_label=_("No particular place"),
        error_messages={"invalid_choice": _("Select a place from the list")},
    )

    def __init__(self, *args: Any, assets: QuerySet[Asset], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = assets  # type: ignore[attr-defined]
