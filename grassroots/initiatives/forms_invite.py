"""Forms about an initiative's people: leads inviting somebody to join.

Kept apart from forms.py (starting and running an initiative) so each file stays about one thing.
"""

from __future__ import annotations

from grassroots.core.forms import InviteByEmailForm


class InviteMemberForm(InviteByEmailForm):
    """The shared invitation form. It never says whether an account has the address: the
    service invites the account, or keeps the invitation for when somebody signs up with it."""
