"""Forms about an initiative's people: leads inviting somebody to join.

Kept apart from forms.py (starting and running an initiative) so each file stays about one thing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import User
from grassroots.core.forms import InviteByEmailForm


class InviteMemberForm(InviteByEmailForm):
    """The shared invitation form, which also finds the account the address belongs to."""

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.invitee: User | None = None

    def clean_email(self) -> str:
        email = super().clean_email()
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
