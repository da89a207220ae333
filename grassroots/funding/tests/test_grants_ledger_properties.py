"""Property test of the ledger through the services: random sequences of approvals,
variations, payments, money returned, closings and corrections, valid and not. After every
step each transaction sums to zero, commitments and net payments never exceed the fund, nothing
available or committed is negative, every balance the pages show equals the sum of the
entries, and a refused step changed nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding import ledger, selectors_grants
from grassroots.funding.models import (
    Account,
    Application,
    ApplicationStatus,
    Entry,
    Grant,
    Motion,
    MotionKind,
    Transaction,
    VoteChoice,
)
from grassroots.funding.services import grant_money
from grassroots.funding.services.decisions import motion_close, motion_propose
from grassroots.funding.tests.factories import Area, make_area
from grassroots.funding.tests.grants_factories import make_application, vote, voters

pytestmark = pytest.mark.django_db

TOTAL = 1_000_000
ASKED = 450_000

amounts = (
    st.integers(min_value=-1000, max_value=250_000)
    | st.integers(min_value=0, max_value=TOTAL + 1000)
    | st.sampled_from([0, 1, ASKED, TOTAL])
)
steps = st.one_of(
    st.tuples(st.just("approve"), st.integers(0, 2), amounts),
    st.tuples(st.just("vary"), st.integers(0, 2), amounts),
    st.tuples(st.just("pay"), st.integers(0, 2), amounts),
    st.tuples(st.just("return"), st.integers(0, 2), amounts),
    st.tuples(st.just("close"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("correct"), st.integers(0, 2), st.integers(0, 6)),
)


def _snapshot(area: Area) -> tuple[Any, ...]:
    return (
        Transaction.objects.count(),
        Entry.objects.count(),
        AuditEntry.objects.count(),
        tuple(Application.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Grant.objects.order_by("pk").values_list("status", flat=True)),
        Motion.objects.filter(closed_at__isnull=False).count(),
    )


def _check_invariants(area: Area) -> None:
    unbalanced = (
        Transaction.objects.annotate(total=Sum("entries__amount_pence"), legs=Count("entries"))
        .filter(~Q(total=0) | Q(legs__lt=2))
        .count()
    )
    assert unbalanced == 0
    sums = {
        row["account"]: int(row["total"])
        for row in Entry.objects.filter(fund=area.fund)
        .values("account")
        .annotate(total=Sum("amount_pence"))
    }
    fund = ledger.fund_balances(area.fund)
    assert fund.total_pence == -sums[Account.FUNDER] == TOTAL
    assert fund.available_pence == sums.get(Account.AVAILABLE, 0) >= 0
    assert fund.committed_pence == sums.get(Account.COMMITTED, 0) >= 0
    assert fund.paid_pence == sums.get(Account.PAID, 0)
    assert fund.returned_pence == -sums.get(Account.RETURNED, 0)
    assert fund.committed_pence + fund.spent_pence <= fund.total_pence
    assert fund.available_pence + fund.committed_pence + fund.spent_pence == fund.total_pence
    for grant in Grant.objects.all():
        balances = ledger.grant_balances(grant)
        assert balances.committed_pence >= 0
        assert balances.paid_pence - balances.returned_pence >= 0
        lines = selectors_grants.grant_lines(grant)
        last = lines[-1]
        assert (last.committed, last.paid, last.returned) == (
            balances.committed_pence,
            balances.paid_pence,
            balances.returned_pence,
        )


def _approve(area: Area, application: Application, amount: int) -> None:
    motion = application.motions.filter(closed_at__isnull=True).first()
    if motion is None:
        motion = motion_propose(
            actor=area.chair,
            application=application,
            kind=MotionKind.APPROVE,
            amount_pence=amount,
            reasons="Part of it.",
        )
        vote(motion, voters(area), VoteChoice.FOR)
    # The motion and its votes stand whatever happens next; closing is the step that moves
    # money, and a refused close changes nothing (the motion waits, still open).
    before = _snapshot(area)
    try:
        motion_close(actor=area.chair, motion=motion)
    except ServiceError:
        assert _snapshot(area) == before


def _step(area: Area, applications: list[Application], step: tuple[str, int, int]) -> None:
    kind, index, amount = step
    treasurer = area.treasurer
    if kind == "approve":
        application = applications[index]
        application.refresh_from_db()
        _approve(area, application, amount)
        return
    grants = list(Grant.objects.order_by("pk"))
    if not grants:
        return
    grant = grants[index % len(grants)]
    if kind == "vary":
        grant_money.grant_vary(
            actor=treasurer, grant=grant, new_amount_pence=amount, reason="Changed plans"
        )
    elif kind == "pay":
        grant_money.grant_pay(
            actor=treasurer, grant=grant, amount_pence=amount, paid_on=datetime.date.today()
        )
    elif kind == "return":
        grant_money.grant_take_back(actor=treasurer, grant=grant, amount_pence=amount)
    elif kind == "close":
        grant_money.grant_close(actor=treasurer, grant=grant)
    else:
        records = list(Transaction.objects.filter(grant=grant).order_by("pk"))
        grant_money.transaction_correct(
            actor=treasurer, grant=grant, record=records[amount % len(records)], reason="A mistake"
        )


def test_the_ledger_keeps_its_invariants_whatever_happens() -> None:
    area = make_area(total_pence=TOTAL)
    applications = [make_application(area, costs=(ASKED,), title=f"Project {n}") for n in range(3)]

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=False,
    )
    @given(
        st.tuples(st.just("approve"), st.integers(0, 2), amounts),
        st.lists(steps, min_size=1, max_size=10),
    )
    def run(first: tuple[str, int, int], rest: list[tuple[str, int, int]]) -> None:
        sequence = [first, *rest]
        savepoint = transaction.savepoint()
        try:
            for step in sequence:
                before = _snapshot(area)
                try:
                    _step(area, applications, step)
                except ServiceError:
                    assert _snapshot(area) == before, step
                _check_invariants(area)
        finally:
            transaction.savepoint_rollback(savepoint)

    run()
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 3
