"""The ledger: the only code that writes money.

Every movement is one `Transaction` of `Entry` rows that sum to zero, written inside a database
transaction that first locks the fund's row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite lets
one writer in at a time), then checks the balances it leaves behind and rolls everything back if
any would break a rule:

- the fund's AVAILABLE balance is never below zero (commitments and net payments never exceed
  what the fund holds);
- a grant's COMMITTED balance is never below zero (nothing is paid that was not committed);
- a grant's PAID balance plus its RETURNED balance is never below zero (nobody returns more
  than they were paid).

Balances are always sums of entries. Nothing here checks who is asking: the services do that
before they call in. A mistake is undone by `reverse()`, a new transaction with every entry
negated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction as db_transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.core.services import ServiceError
from grassroots.funding.models import (
    Account,
    Entry,
    Fund,
    Grant,
    Transaction,
    TransactionKind,
)
from grassroots.funding.money import pounds


class LedgerError(ServiceError):
    """A movement of money that would break one of the ledger's rules; nothing was written."""


@dataclass(frozen=True)
class Leg:
    account: Account
    amount_pence: int
    grant: Grant | None = None


@dataclass(frozen=True)
class FundBalances:
    total_pence: int  # what came from the funder
    available_pence: int
    committed_pence: int  # promised to grants, not yet paid
    paid_pence: int  # paid out, before returns
    returned_pence: int  # given back by grantees (a positive figure)

    @property
    def spent_pence(self) -> int:
        return self.paid_pence - self.returned_pence


@dataclass(frozen=True)
class GrantBalances:
    committed_pence: int
    paid_pence: int
    returned_pence: int

    @property
    def awarded_pence(self) -> int:
        """What the grant is worth now: still committed plus paid, less what came back."""
        return self.committed_pence + self.paid_pence - self.returned_pence


def fund_balances(fund: Fund | int) -> FundBalances:
    """One query: every account of the fund, summed."""
    fund_id = fund if isinstance(fund, int) else fund.pk
    rows = (
        Entry.objects.filter(fund_id=fund_id).values("account").annotate(total=Sum("amount_pence"))
    )
    sums = {row["account"]: int(row["total"] or 0) for row in rows}
    return FundBalances(
        total_pence=-sums.get(Account.FUNDER, 0),
        available_pence=sums.get(Account.AVAILABLE, 0),
        committed_pence=sums.get(Account.COMMITTED, 0),
        paid_pence=sums.get(Account.PAID, 0),
        returned_pence=-sums.get(Account.RETURNED, 0),
    )


def grant_balances(grant: Grant | int) -> GrantBalances:
    grant_id = grant if isinstance(grant, int) else grant.pk
    return balances_by_grant([grant_id]).get(
        grant_id, GrantBalances(committed_pence=0, paid_pence=0, returned_pence=0)
    )


def balances_by_grant(grant_ids: Sequence[int]) -> dict[int, GrantBalances]:
    """One query for any number of grants."""
    rows = (
        Entry.objects.filter(grant_id__in=list(grant_ids))
        .values("grant_id", "account")
        .annotate(total=Sum("amount_pence"))
    )
    sums: dict[int, dict[str, int]] = {}
    for row in rows:
        sums.setdefault(row["grant_id"], {})[row["account"]] = int(row["total"] or 0)
    return {
        grant_id: GrantBalances(
            committed_pence=by_account.get(Account.COMMITTED, 0),
            paid_pence=by_account.get(Account.PAID, 0),
            returned_pence=-by_account.get(Account.RETURNED, 0),
        )
        for grant_id, by_account in sums.items()
    }


def _lock(fund_id: int) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund_id)


def _check(fund_id: int, grant_ids: set[int], *, drawn_pence: int) -> None:
    """`drawn_pence`: what the transaction just written took from AVAILABLE, so the message
    can say how much there was before it."""
    balances = fund_balances(fund_id)
    if balances.available_pence < 0:
        raise LedgerError(
            _("The fund does not have enough money available for this: it has %(left)s left.")
            % {"left": pounds(balances.available_pence + drawn_pence)}
        )
    for grant in balances_by_grant(sorted(grant_ids)).values():
        if grant.committed_pence < 0:
            raise LedgerError(_("That is more than the grant has committed and not yet paid."))
        if grant.paid_pence - grant.returned_pence < 0:
            raise LedgerError(_("That is more than the grant has been paid."))


def post(
    *,
    fund: Fund,
    kind: TransactionKind,
    legs: Sequence[Leg],
    actor: User | None,
    memo: str = "",
    grant: Grant | None = None,
    reverses: Transaction | None = None,
) -> Transaction:
    """Write one balanced transaction, or nothing. The fund's row is locked first; the rules in
    the module's docstring are checked after the entries are written, inside the same database
    transaction, so a failure leaves no trace."""
    if not legs or any(leg.amount_pence == 0 for leg in legs):
        raise ValueError("A transaction needs entries, none of them zero.")
    if sum(leg.amount_pence for leg in legs) != 0:
        raise ValueError("A transaction's entries must sum to zero.")
    with db_transaction.atomic():
        locked = _lock(fund.pk)
        record = Transaction.objects.create(
            fund=locked,
            grant=grant,
            kind=kind,
            memo=memo[:300],
            reverses=reverses,
            created_by=actor,
        )
        Entry.objects.bulk_create(
            Entry(
                transaction=record,
                fund=locked,
                grant=leg.grant,
                account=leg.account,
                amount_pence=leg.amount_pence,
            )
            for leg in legs
        )
        _check(
            locked.pk,
            {leg.grant.pk for leg in legs if leg.grant is not None},
            drawn_pence=-sum(leg.amount_pence for leg in legs if leg.account == Account.AVAILABLE),
        )
    return record


def _positive(amount_pence: int) -> None:
    if amount_pence <= 0:
        raise LedgerError(_("Enter an amount of more than £0."))


def open_fund(fund: Fund, *, actor: User | None) -> Transaction:
    """The money the funder put in: FUNDER → AVAILABLE."""
    if Transaction.objects.filter(fund=fund, kind=TransactionKind.OPEN).exists():
        raise LedgerError(_("This fund's money has already been recorded."))
    return post(
        fund=fund,
        kind=TransactionKind.OPEN,
        legs=[
            Leg(Account.FUNDER, -fund.total_pence),
            Leg(Account.AVAILABLE, fund.total_pence),
        ],
        actor=actor,
        memo=_("Fund opened with %(amount)s from %(funder)s")
        % {"amount": pounds(fund.total_pence), "funder": fund.funder_name},
    )


def commit(grant: Grant, amount_pence: int, *, actor: User | None, memo: str = "") -> Transaction:
    """Promise money to a grant: AVAILABLE → COMMITTED."""
    _positive(amount_pence)
    return post(
        fund=grant.fund,
        kind=TransactionKind.COMMIT,
        legs=[
            Leg(Account.AVAILABLE, -amount_pence),
            Leg(Account.COMMITTED, amount_pence, grant),
        ],
        actor=actor,
        memo=memo,
        grant=grant,
    )


def vary(grant: Grant, change_pence: int, *, actor: User | None, memo: str = "") -> Transaction:
    """Raise (positive) or lower (negative) what is committed to a grant."""
    if change_pence == 0:
        raise LedgerError(_("Enter a new amount that differs from the current one."))
    return post(
        fund=grant.fund,
        kind=TransactionKind.VARY,
        legs=[
            Leg(Account.AVAILABLE, -change_pence),
            Leg(Account.COMMITTED, change_pence, grant),
        ],
        actor=actor,
        memo=memo,
        grant=grant,
    )


def pay(grant: Grant, amount_pence: int, *, actor: User | None, memo: str = "") -> Transaction:
    """A payment to the grantee: COMMITTED → PAID."""
    _positive(amount_pence)
    return post(
        fund=grant.fund,
        kind=TransactionKind.PAY,
        legs=[
            Leg(Account.COMMITTED, -amount_pence, grant),
            Leg(Account.PAID, amount_pence, grant),
        ],
        actor=actor,
        memo=memo,
        grant=grant,
    )


def take_back(
    grant: Grant, amount_pence: int, *, actor: User | None, memo: str = ""
) -> Transaction:
    """Money the grantee gave back: it is available to the fund again (RETURNED → AVAILABLE)."""
    _positive(amount_pence)
    return post(
        fund=grant.fund,
        kind=TransactionKind.RETURN,
        legs=[
            Leg(Account.RETURNED, -amount_pence, grant),
            Leg(Account.AVAILABLE, amount_pence),
        ],
        actor=actor,
        memo=memo,
        grant=grant,
    )


def release(grant: Grant, *, actor: User | None, memo: str = "") -> Transaction | None:
    """Give back to the fund whatever is committed and unpaid (when a grant closes). Returns
    None when nothing is left to release."""
    with db_transaction.atomic():
        _lock(grant.fund_id)
        left = grant_balances(grant).committed_pence
        if left == 0:
            return None
        return post(
            fund=grant.fund,
            kind=TransactionKind.RELEASE,
            legs=[
                Leg(Account.COMMITTED, -left, grant),
                Leg(Account.AVAILABLE, left),
            ],
            actor=actor,
            memo=memo,
            grant=grant,
        )


def reverse(original: Transaction, *, actor: User | None, memo: str) -> Transaction:
    """Undo a transaction with its mirror image. The fund's opening cannot be undone, a
    correction is not itself corrected (record the right movement instead), and a transaction
    is reversed at most once (a unique key)."""
    if original.kind == TransactionKind.OPEN:
        raise LedgerError(_("A fund's opening cannot be reversed."))
    if original.kind == TransactionKind.REVERSAL:
        raise LedgerError(_("A correction cannot itself be reversed: record the right amount."))
    if not memo.strip():
        raise LedgerError(_("Say why this is being corrected."))
    with db_transaction.atomic():
        _lock(original.fund_id)
        if Transaction.objects.filter(reverses=original).exists():
            raise LedgerError(_("This has already been corrected."))
        legs = [
            Leg(Account(entry.account), -entry.amount_pence, entry.grant)
            for entry in original.entries.select_related("grant")
        ]
        return post(
            fund=original.fund,
            kind=TransactionKind.REVERSAL,
            legs=legs,
            actor=actor,
            memo=memo,
            grant=original.grant,
            reverses=original,
        )
