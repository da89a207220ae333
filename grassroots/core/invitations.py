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
ahead). `Invitations` puts them to work for one app: it counts what waits against the cap, turns
a refusal into a `ServiceError`, keeps an invitation to an address and hands the invitations
waiting for an address to whoever confirms it. The app keeps its own models, permission checks,
lock, audit entries and notices, and passes them in (or does them around the calls).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from grassroots.core.models import EmailInvitation
from grassroots.core.services import ServiceError

if TYPE_CHECKING:
    from grassroots.accounts.types import Actor

# The thing invited to (an initiative, a group), the app's table of invitations to addresses,
# and what an invitation to an account makes (a membership row).
TargetT = TypeVar("TargetT", bound=Model)
ByEmailT = TypeVar("ByEmailT", bound=EmailInvitation)
InvitedT = TypeVar("InvitedT")

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


def already_invited(email: str) -> ServiceError:
    """The refusal when an invitation to `email` (an account's or an address) already waits."""
    return ServiceError(
        _("%(email)s has already been invited and has not answered yet") % {"email": email}
    )


@dataclass(frozen=True)
class Invitations(Generic[TargetT, ByEmailT]):
    """One app's invitations to its `TargetT`s, under its `policy`.

    `by_email` is the app's table of invitations to addresses with no account, whose foreign key
    to the thing invited to is named `to`; `invited(target)` is the app's invitations to accounts
    still waiting for an answer there (its membership rows marked invited).
    """

    policy: Policy
    by_email: type[ByEmailT]
    to: str
    invited: Callable[[TargetT], QuerySet[Any]]

    def waiting_by_email(self, target: TargetT) -> QuerySet[ByEmailT]:
        """The invitations to addresses for `target` that still wait (not yet lapsed)."""
        return self.by_email._default_manager.filter(
            **{self.to: target, "created_at__gte": email_invitations_since()}
        )

    def refuse_over_cap(self, target: TargetT) -> None:
        """Raise the app's refusal when `target` has as many invitations waiting as its cap.

        Invitations to accounts and to addresses count alike, so the answer is the same whether
        or not the next address has an account."""
        waiting = self.invited(target).count() + self.waiting_by_email(target).count()
        refusal = over_cap(self.policy, waiting=waiting)
        if refusal:
            raise ServiceError(refusal)

    def refuse_declined_recently(
        self, *, email: str, declined_at: datetime.datetime | None, now: datetime.datetime
    ) -> None:
        """Raise the app's refusal while `email`, who turned an invitation down at
        `declined_at`, is still left alone."""
        refusal = declined_too_recently(self.policy, email=email, declined_at=declined_at, now=now)
        if refusal:
            raise ServiceError(refusal)

    def invite_address(
        self, target: TargetT, *, actor: Actor, email: str, message: str
    ) -> ByEmailT:
        """Keep an invitation to `email`, an address no account has, until somebody confirms it.

        Call it in the transaction that holds the app's lock on `target`, so two invitations
        cannot overrun the cap. A lapsed invitation to the same address makes way for the new
        one; one still waiting, or a full `target`, is refused."""
        email = email.strip().lower()
        if self.waiting_by_email(target).filter(email__iexact=email).exists():
            raise already_invited(email)
        self.refuse_over_cap(target)
        self.by_email._default_manager.filter(**{self.to: target, "email__iexact": email}).delete()
        return self.by_email._default_manager.create(
            **{self.to: target}, email=email, invited_by=actor, message=message
        )

    def claim(
        self,
        *,
        user: Actor,
        email: str,
        perm: str,
        invite: Callable[[ByEmailT], InvitedT],
    ) -> list[InvitedT]:
        """`user` has just confirmed `email`: each invitation still waiting for that address
        becomes an invitation to them (`invite`, the app's invitation to an account, made as the
        person who invited). One whose inviter no longer holds `perm` on the thing invited to, or
        that `invite` refuses (a member already, invited meanwhile, full), lapses quietly; every
        invitation to the address is then gone."""
        claimed: list[InvitedT] = []
        waiting = self.by_email._default_manager.filter(
            email__iexact=email.strip(), created_at__gte=email_invitations_since()
        ).select_related(self.to, "invited_by")
        for pending in waiting:
            inviter = pending.invited_by
            if inviter.pk != user.pk and inviter.has_perm(perm, getattr(pending, self.to)):
                with contextlib.suppress(ServiceError):
                    claimed.append(invite(pending))
        self.by_email._default_manager.filter(email__iexact=email.strip()).delete()
        return claimed
