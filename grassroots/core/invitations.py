"""One invitation policy for every app that invites people in (initiatives, groups).

An app that invites keeps its own rows (the invitation lives on its membership row, or waits for
an address with no account yet); what it shares is decided here:

- how long somebody who turned an invitation down is left alone (`REINVITE_AFTER`),
- how long an invitation to an address with no account waits for somebody to sign up with it
  (`EMAIL_INVITATION_KEEPS`),
- how many invitations may wait for an answer at once: a cap each app passes in (`Policy.cap`),
  small enough that nobody can use an initiative or a group to mail people in bulk,
- and the words for each refusal, which each app gives for itself so that they name it.

The functions answer with the refusal for the person inviting (or None when the invitation may go
ahead), so each app raises it as its own service error.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise

# Somebody who turned an invitation down is not asked again by the same inviter for a while.
REINVITE_AFTER = datetime.timedelta(days=30)
# An invitation to an address with no account waits this long for somebody to sign up with it.
EMAIL_INVITATION_KEEPS = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Policy:
    """What one inviting app passes in: its cap and its own words for the two refusals.

    `declined_recently` takes `%(email)s` and `%(date)s`; `full` takes `%(count)s`. Give them
    with `gettext_lazy`, so each is translated when it is shown.
    """

    cap: int
    declined_recently: str | Promise
    full: str | Promise


def email_invitations_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """The oldest moment an invitation to an address with no account can have been made and
    still be waiting."""
    return (now or timezone.now()) - EMAIL_INVITATION_KEEPS


def invited_again_from(declined_at: datetime.datetime) -> datetime.datetime:
    """When somebody who turned an invitation down at `declined_at` may be invited again."""
    return declined_at + REINVITE_AFTER


def declined_too_recently(
    policy: Policy, *, email: str, declined_at: datetime.datetime | None, now: datetime.datetime
) -> str | None:
    """Why `email` may not be invited yet, having turned an invitation down at `declined_at`;
    None when the wait is over (or they never turned one down)."""
    if declined_at is None or declined_at <= now - REINVITE_AFTER:
        return None
    again = timezone.localtime(invited_again_from(declined_at))
    return str(policy.declined_recently) % {"email": email, "date": date_format(again, "j F Y")}


def over_cap(policy: Policy, *, waiting: int) -> str | None:
    """Why one more invitation may not go out while `waiting` invitations (to accounts and to
    addresses alike) wait for an answer; None while there is room."""
    if waiting < policy.cap:
        return None
    return str(policy.full) % {"count": policy.cap}
