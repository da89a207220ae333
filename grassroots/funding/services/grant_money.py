"""The treasurer's side of a grant: payments, variations, closing, money returned and
corrections. Only the partnership's current treasurer (rules.py); every step goes through
`ledger` (the only code that writes money) and the audit log, in one database transaction.

Locks are taken in one order everywhere: the grant's row, then (inside `ledger`) the fund's.

A variation is the treasurer's record of a change the partnership agreed (with its reason):
lowering needs money still committed and unpaid, raising needs money available in the fund.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.core.times import govuk_date
from grassroots.funding import ledger
from grassroots.funding.models import Grant, GrantStatus, Transaction, TransactionKind
from grassroots.funding.money import pounds
from grassroots.funding.services.applications import audit

MAX_NOTE = 250

# What a correction may undo: money the treasurer moved. Approvals are the partnership's
# decisions and are not undone by the treasurer; closing is final.
CORRECTABLE = {TransactionKind.PAY, TransactionKind.RETURN, TransactionKind.VARY}


def _note(text: str, *, required: str = "") -> str:
    text = (text or "").strip()
    if not text and not required:
        return ""
    return clean_text(
        text,
        max_length=MAX_NOTE,
        empty=required,
        too_long=_("The note must be %(max)d characters or fewer") % {"max": MAX_NOTE},
    )


def _lock_active(grant: Grant, *, active: bool = True) -> Grant:
    locked = Grant.objects.select_for_update().select_related("fund").get(pk=grant.pk)
    if active and locked.status != GrantStatus.ACTIVE:
        raise ServiceError(_("This grant is closed"))
    return locked


def _positive(amount_pence: int) -> None:
    if amount_pence <= 0:
        raise ServiceError(_("Enter an amount of more than £0"))


def grant_pay(
    *, actor: Actor, grant: Grant, amount_pence: int, paid_on: datetime.date, note: str = ""
) -> Transaction:
    """Record money paid to the grantee (at most what is committed and not yet paid)."""
    require(actor, "funding.pay", grant)
    _positive(amount_pence)
    note = _note(note)
    if paid_on > timezone.localdate():
        raise ServiceError(_("The date paid must be today or in the past"))
    with transaction.atomic():
        locked = _lock_active(grant)
        left = ledger.grant_balances(locked).committed_pence
        if amount_pence > left:
            raise ServiceError(
                _("That is more than the %(left)s committed and not yet paid")
                % {"left": pounds(left)}
            )
        memo = _("Paid on %(day)s") % {"day": govuk_date(paid_on)} + (f": {note}" if note else "")
        record = ledger.pay(locked, amount_pence, actor=actor, memo=memo)
        audit(
            actor,
            "grant_pay",
            record,
            f"Paid {pounds(amount_pence)} on grant {locked.pk}",
            grant=locked.pk,
            amount_pence=amount_pence,
            paid_on=paid_on.isoformat(),
        )
    return record


def grant_vary(*, actor: Actor, grant: Grant, new_amount_pence: int, reason: str) -> Transaction:
    """Change what the grant is worth (committed, plus paid, less returned) to
    `new_amount_pence`."""
    require(actor, "funding.vary", grant)
    _positive(new_amount_pence)
    reason = _note(reason, required=_("Say why the grant is changing"))
    with transaction.atomic():
        locked = _lock_active(grant)
        balances = ledger.grant_balances(locked)
        change = new_amount_pence - balances.awarded_pence
        if change == 0:
            raise ServiceError(_("Enter a new amount that differs from the current one"))
        spent = balances.paid_pence - balances.returned_pence
        if new_amount_pence < spent:
            raise ServiceError(
                _("The grant cannot be worth less than the %(spent)s already paid to it")
                % {"spent": pounds(spent)}
            )
        if change > 0:
            available = ledger.fund_balances(locked.fund_id).available_pence
            if change > available:
                raise ServiceError(
                    _(
                        "Raising it by %(change)s needs more than the %(available)s the fund "
                        "has available"
                    )
                    % {"change": pounds(change), "available": pounds(available)}
                )
        record = ledger.vary(locked, change, actor=actor, memo=reason)
        audit(
            actor,
            "grant_vary",
            record,
            f"Varied grant {locked.pk} from {pounds(balances.awarded_pence)} "
            f"to {pounds(new_amount_pence)}",
            grant=locked.pk,
            change_pence=change,
            reason=reason,
        )
    return record


def grant_take_back(
    *, actor: Actor, grant: Grant, amount_pence: int, note: str = ""
) -> Transaction:
    """Money the grantee gave back (at most what they were paid, less what came back before).
    Also after the grant is closed."""
    require(actor, "funding.take_back", grant)
    _positive(amount_pence)
    note = _note(note)
    with transaction.atomic():
        locked = _lock_active(grant, active=False)
        balances = ledger.grant_balances(locked)
        net = balances.paid_pence - balances.returned_pence
        if amount_pence > net:
            raise ServiceError(
                _("That is more than the %(net)s paid to the grant and not returned")
                % {"net": pounds(net)}
            )
        record = ledger.take_back(
            locked, amount_pence, actor=actor, memo=note or _("Money returned")
        )
        audit(
            actor,
            "grant_take_back",
            record,
            f"Recorded {pounds(amount_pence)} returned on grant {locked.pk}",
            grant=locked.pk,
            amount_pence=amount_pence,
        )
    return record


def grant_close(*, actor: Actor, grant: Grant, note: str = "") -> Grant:
    """Close the grant: whatever is committed and unpaid goes back to the fund."""
    require(actor, "funding.close_grant", grant)
    note = _note(note)
    with transaction.atomic():
        locked = _lock_active(grant)
        record = ledger.release(locked, actor=actor, memo=note or _("Grant closed"))
        now = timezone.now()
        Grant.objects.filter(pk=locked.pk).update(status=GrantStatus.CLOSED, closed_at=now)
        audit(
            actor,
            "grant_close",
            locked,
            f"Closed grant {locked.pk}",
            grant=locked.pk,
            released_pence=(
                -sum(e.amount_pence for e in record.entries.all() if e.amount_pence < 0)
                if record is not None
                else 0
            ),
        )
    grant.refresh_from_db()
    return grant


def transaction_correct(
    *, actor: Actor, grant: Grant, record: Transaction, reason: str
) -> Transaction:
    """Undo a mistaken payment, return or variation of `grant` with its mirror image."""
    require(actor, "funding.correct", grant)
    reason = _note(reason, required=_("Say why this is being corrected"))
    if record.grant_id != grant.pk:
        raise ServiceError(_("That is not one of this grant's transactions"))
    if record.kind not in CORRECTABLE:
        raise ServiceError(_("Only payments, money returned and variations can be corrected here"))
    with transaction.atomic():
        locked = _lock_active(grant, active=False)
        if locked.status != GrantStatus.ACTIVE and record.kind != TransactionKind.RETURN:
            raise ServiceError(
                _("This grant is closed: only money returned can still be corrected")
            )
        correction = ledger.reverse(record, actor=actor, memo=reason)
        audit(
            actor,
            "transaction_correct",
            correction,
            f"Corrected transaction {record.pk} of grant {locked.pk}",
            grant=locked.pk,
            reverses=record.pk,
            reason=reason,
        )
    return correction
