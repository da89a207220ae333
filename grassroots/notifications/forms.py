from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.notifications.models import Delivery, Kind


def field_name(kind: str) -> str:
    return f"kind_{kind}"


class PreferencesForm(forms.Form):
    """One question per kind of notification: how (and whether) to email it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[field_name(kind)] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=Delivery.IMMEDIATELY,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Select how to email you about: %(kind)s") % {"kind": label},
                    "invalid_choice": _("Select how to email you about: %(kind)s")
                    % {"kind": label},
                },
            )

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[field_name(kind)] for kind in Kind.values}

    @classmethod
    def initial_from(cls, deliveries: dict[str, str]) -> dict[str, str]:
        return {field_name(kind): how for kind, how in deliveries.items()}
