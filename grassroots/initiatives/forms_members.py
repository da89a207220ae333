"""Forms about an initiative's people: leads inviting somebody to join.

Kept apart from forms.py (starting and running an initiative) so each file stays about one thing.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import User

MAX_MESSAGE = 1000
# Each address a person looks up costs one of these an hour. A lead inviting a whole group in
# one sitting stays well inside it; somebody trying addresses to learn who has an account
# does not get far.
LOOKUPS_PER_HOUR = 30
_HOUR = 60 * 60

_FORMAT = _("Enter an email address in the correct format, like name@example.com")


def lookup_allowed(actor: Any) -> bool:
    """Count one email look-up by `actor`; False once they have used up this hour's."""
    key = f"gr:invite-lookups:{actor.pk}"
    cache.add(key, 0, timeout=_HOUR)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr: start a new hour
        cache.set(key, 1, timeout=_HOUR)
        used = 1
    return used <= LOOKUPS_PER_HOUR


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address they use to sign in to this site."),
        error_messages={
            "required": _("Enter the email address of the person you want to invite"),
            "invalid": _FORMAT,
            "max_length": _("Email address must be 254 characters or fewer"),
            "null_characters_not_allowed": _FORMAT,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say why you are inviting them. They see it with the invitation."),
        error_messages={
            "max_length": _("Message must be 1,000 characters or fewer"),
            "null_characters_not_allowed": _("Message must not contain control characters"),
        },
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.invitee: User | None = None

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if email == (self.actor.email or "").lower():
            raise forms.ValidationError(_("You cannot invite yourself"))
        if not lookup_allowed(self.actor):
            raise forms.ValidationError(
                _(
                    "You have tried to invite a lot of people in the last hour. "
                    "Wait an hour, then try again"
                )
            )
        invitee = User.objects.filter(
            email__iexact=email, is_active=True, anonymised_at__isnull=True
        ).first()
        if invitee is None:
            # Says no more than that: we never show anybody else's details here.
            raise forms.ValidationError(
                _(
                    "There is no account with that email address. Ask them to create an "
                    "account, then invite them"
                )
            )
        self.invitee = invitee
        return email

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"].strip()
        if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in message):
            raise forms.ValidationError(_("Message must not contain control characters"))
        return message
