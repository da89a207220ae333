from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.notifications.models import Kind


class PreferencesForm(forms.Form):
    email = forms.MultipleChoiceField(
        label=_("Email me about"),
        help_text=_(
            "You always see every notification on this site. Select all the ones you also "
            "want by email."
        ),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select kinds of notification from the list")},
    )
