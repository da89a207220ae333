"""The ledger's own rules, below the services: balanced transactions, nothing overspent,
nothing changed after it is written, corrections as new entries."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from grassroots.funding import ledger
from grassroots.funding.models import Entry, Transaction, TransactionKind
from grassroots.funding.tests.factories import make_area, make_grant

pytestmark = pytest.mark.django_db


def test_a_fund_opens_with_its_total_available() -> None:
    area = make_area(total_pence=1_000_00)
    balances = ledger.fund_balances(area.fund)
    assert (balances.total_pence, balances.available_pence) == (1_000_00, 1_000_00)
    assert Entry.objects.aggregate(total=Sum("amount_pence"))["total"] == 0
    with pytest.raises(ledger.LedgerError):
        ledger.open_fund(area.fund, actor=None)


def test_money_moves_from_available_to_committed_to_paid_and_back() -> None:
    area = make_area(total_pence=10_000_00)
    grant = make_grant(area, 4_000_00)
    ledger.pay(grant, 1_500_00, actor=area.treasurer)
    ledger.take_back(grant, 500_00, actor=area.treasurer)
    ledger.release(grant, actor=area.treasurer)
    fund = ledger.fund_balances(area.fund)
    assert (fund.available_pence, fund.committed_pence, fund.spent_pence) == (9_000_00, 0, 1_000_00)
    assert ledger.grant_balances(grant).awarded_pence == 1_000_00
    for record in Transaction.objects.all():
        assert sum(record.entries.values_list("amount_pence", flat=True)) == 0


def test_nothing_is_overspent_and_a_refusal_writes_nothing() -> None:
    area = make_area(total_pence=1_000_00)
    grant = make_grant(area, 600_00)
    other = make_grant(area, 1_00)
    before = Entry.objects.count()
    with pytest.raises(ledger.LedgerError, match="£399 left"):
        ledger.commit(other, 400_00, actor=None)
    with pytest.raises(ledger.LedgerError):
        ledger.pay(grant, 600_01, actor=None)
    with pytest.raises(ledger.LedgerError):
        ledger.take_back(grant, 1, actor=None)
    assert Entry.objects.count() == before
    assert ledger.fund_balances(area.fund).available_pence == 399_00


def test_a_correction_is_a_new_transaction_and_happens_once() -> None:
    area = make_area(total_pence=1_000_00)
    grant = make_grant(area, 600_00)
    payment = ledger.pay(grant, 100_00, actor=None)
    correction = ledger.reverse(payment, actor=None, memo="Paid twice by mistake")
    assert correction.kind == TransactionKind.REVERSAL
    assert ledger.grant_balances(grant).paid_pence == 0
    with pytest.raises(ledger.LedgerError):
        ledger.reverse(payment, actor=None, memo="Again")
    with pytest.raises(ledger.LedgerError):
        ledger.reverse(correction, actor=None, memo="Undo the undo")


def test_ledger_rows_cannot_be_changed_or_deleted() -> None:
    area = make_area()
    entry = Entry.objects.filter(fund=area.fund).first()
    assert entry is not None
    entry.amount_pence = 1
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
