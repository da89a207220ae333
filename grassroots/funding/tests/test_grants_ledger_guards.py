"""The database's own guards (append-only ledger, balanced transactions, final decisions), a
crash in the middle of a payment, and parallel approvals and payments on a real PostgreSQL
server."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from grassroots.core.models import AuditEntry
from grassroots.funding import ledger, ledger_guard
from grassroots.funding.models import (
    Account,
    Entry,
    Grant,
    Motion,
    MotionKind,
    MotionVote,
    Transaction,
    VoteChoice,
)
from grassroots.funding.services.decisions import motion_propose
from grassroots.funding.services.grant_money import grant_pay
from grassroots.funding.tests.factories import Area, make_area
from grassroots.funding.tests.grants_factories import (
    approved_grant,
    decide,
    make_application,
    vote,
    voters,
)


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.mark.django_db
def test_ledger_rows_cannot_be_updated_in_the_database() -> None:
    area = make_area()
    grant = approved_grant(area)
    entry = Entry.objects.filter(grant=grant).first()
    assert entry is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with pytest.raises(IntegrityError):
        _sql(
            "UPDATE funding_transaction SET memo = 'changed' WHERE id = %s", [entry.transaction_id]
        )
    entry.refresh_from_db()
    assert entry.amount_pence != 1


@pytest.mark.django_db
def test_ledger_rows_cannot_be_deleted_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE open: Django empties SQLite test databases with it")
    area = make_area()
    grant = approved_grant(area)
    with pytest.raises(IntegrityError):
        _sql("DELETE FROM funding_entry WHERE grant_id = %s", [grant.pk])
    with pytest.raises(IntegrityError):
        _sql("DELETE FROM funding_transaction WHERE grant_id = %s", [grant.pk])
    assert Entry.objects.filter(grant=grant).count() == 1
    # A test that rebuilds everything may wipe, inside its own transaction only.
    with ledger_guard.allow_wipe():
        _sql("DELETE FROM funding_entry WHERE grant_id = %s", [grant.pk])
        transaction.set_rollback(True)
    with pytest.raises(IntegrityError):
        _sql("DELETE FROM funding_entry WHERE grant_id = %s", [grant.pk])


@pytest.mark.django_db
def test_an_unbalanced_transaction_is_refused_at_commit_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The balance check at commit is a PostgreSQL constraint trigger")
    area = make_area()
    grant = approved_grant(area)

    def unbalanced() -> None:
        with transaction.atomic():
            record = Transaction.objects.create(fund=area.fund, grant=grant, kind="pay")
            Entry.objects.create(
                transaction=record,
                fund=area.fund,
                grant=grant,
                account=Account.PAID,
                amount_pence=5,
            )
            Entry.objects.create(
                transaction=record,
                fund=area.fund,
                grant=grant,
                account=Account.COMMITTED,
                amount_pence=-4,
            )
            # What COMMIT would do: run the deferred checks now.
            _sql("SET CONSTRAINTS ALL IMMEDIATE")

    def empty() -> None:
        with transaction.atomic():
            Transaction.objects.create(fund=area.fund, grant=grant, kind="pay")
            _sql("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(DatabaseError, match="does not balance"):
        unbalanced()
    with pytest.raises(DatabaseError, match="at least two"):
        empty()
    assert Transaction.objects.filter(grant=grant).count() == 1


@pytest.mark.django_db
def test_a_closed_motion_and_its_votes_cannot_be_changed_in_the_database() -> None:
    area = make_area()
    application = make_application(area)
    motion = decide(area, application, choice=VoteChoice.AGAINST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Motion.objects.filter(pk=motion.pk).update(outcome="passed")
    with pytest.raises(IntegrityError), transaction.atomic():
        MotionVote.objects.filter(motion=motion).update(choice=VoteChoice.FOR)
    motion.refresh_from_db()
    assert motion.outcome == "failed"
    assert not MotionVote.objects.filter(motion=motion, choice=VoteChoice.FOR).exists()


# --- A crash in the middle of a payment -------------------------------------------------------


def _state(grant: Grant) -> tuple[int, int, int]:
    return (
        Transaction.objects.filter(grant=grant).count(),
        Entry.objects.filter(grant=grant).count(),
        AuditEntry.objects.filter(action="funding.grant_pay").count(),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["after the entries", "at the audit write"])
def test_a_crash_during_a_payment_leaves_nothing_half_written(where: str) -> None:
    area = make_area()
    grant = approved_grant(area)
    before = _state(grant)
    target = (
        "grassroots.funding.ledger._check"
        if where == "after the entries"
        else "grassroots.funding.services.applications.audit_record"
    )
    with mock.patch(target, side_effect=RuntimeError("power cut")), pytest.raises(RuntimeError):
        grant_pay(
            actor=area.treasurer,
            grant=grant,
            amount_pence=100_000,
            paid_on=datetime.date.today(),
        )
    assert _state(grant) == before
    assert ledger.grant_balances(grant).paid_pence == 0


# --- Parallel requests on a real PostgreSQL server --------------------------------------------


def _in_parallel(calls: list[Callable[[], int]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    results: list[int] = [0] * len(calls)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results[n] = calls[n]()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def _balances_are_sums(area: Area) -> None:
    balances = ledger.fund_balances(area.fund)
    sums = {
        row["account"]: row["total"]
        for row in Entry.objects.filter(fund=area.fund)
        .values("account")
        .annotate(total=Sum("amount_pence"))
    }
    assert balances.available_pence == sums.get(Account.AVAILABLE, 0) >= 0
    assert balances.committed_pence == sums.get(Account.COMMITTED, 0) >= 0
    assert balances.committed_pence + balances.spent_pence <= area.fund.total_pence
    for record in Transaction.objects.filter(fund=area.fund).prefetch_related("entries"):
        assert sum(e.amount_pence for e in record.entries.all()) == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_cannot_overspend() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: real concurrency needs PostgreSQL")
    area = make_area(total_pence=1_000_000)
    motions = []
    for n in range(3):
        application = make_application(area, costs=(400_000,), title=f"Project {n}")
        motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
        vote(motion, voters(area), VoteChoice.FOR)
        motions.append(motion)
    client_for_chair = [Client() for _ in motions]
    for client in client_for_chair:
        client.force_login(area.chair)

    def close(n: int) -> Callable[[], int]:
        def call() -> int:
            url = reverse("funding:close_motion", args=[motions[n].pk])
            response = client_for_chair[n].post(url, follow=True)
            assert response.status_code == 200
            return 1 if "the grant is approved" in response.content.decode() else 0

        return call

    results = _in_parallel([close(n) for n in range(3)])
    assert sum(results) == 2
    assert Grant.objects.count() == 2
    assert Motion.objects.filter(closed_at__isnull=True).count() == 1
    assert ledger.fund_balances(area.fund).available_pence == 200_000
    _balances_are_sums(area)


@pytest.mark.django_db(transaction=True)
def test_parallel_payments_cannot_pay_more_than_is_committed() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: real concurrency needs PostgreSQL")
    area = make_area(total_pence=1_000_000)
    grant = approved_grant(area, costs=(500_000,))
    clients = [Client() for _ in range(4)]
    for client in clients:
        client.force_login(area.treasurer)
    today = datetime.date.today()

    def pay(n: int) -> Callable[[], int]:
        def call() -> int:
            response = clients[n].post(
                reverse("funding:pay", args=[grant.pk]),
                {
                    "amount": "2000",
                    "paid_on_0": str(today.day),
                    "paid_on_1": str(today.month),
                    "paid_on_2": str(today.year),
                    "note": f"Instalment {n}",
                },
            )
            if response.status_code == 302:
                return 1
            assert response.status_code == 200
            assert "committed and not yet paid" in response.content.decode()
            return 0

        return call

    results = _in_parallel([pay(n) for n in range(4)])
    assert sum(results) == 2
    balances = ledger.grant_balances(grant)
    assert (balances.paid_pence, balances.committed_pence) == (400_000, 100_000)
    _balances_are_sums(area)
