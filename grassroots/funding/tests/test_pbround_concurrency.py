"""Two counts of the same round at the same moment on PostgreSQL: the round's row lock lets
one through; the other is refused, so the grants and commitments are written once. Two clicks
on "Count the votes" at once queue one count."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import Grant, Round, RoundPhase, Transaction, TransactionKind
from grassroots.funding.services import pbround as services
from grassroots.funding.services import pbround_counting as counting
from grassroots.funding.tests.pbround_helpers import (
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)
from grassroots.testing.people import make_site_admin

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_two_counts_at_once_count_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: real concurrency needs PostgreSQL")
    place = build_pb_place(RoundPhase.VOTING, budget_pence=100_000)
    a, b = add_proposals(place.round, place.resident, 40_000, 50_000)
    add_ballots(place.round, [a], [a, b], [b])
    set_phase(place.round, RoundPhase.CLOSED)
    admin = make_site_admin()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def count(actor: object) -> None:
        try:
            round_ = Round.objects.get(pk=place.round.pk)
            barrier.wait()
            services.round_count(actor=actor, round_=round_)  # type: ignore[arg-type]
            outcomes.append("counted")
        except ServiceError as error:
            outcomes.append(error.message)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=count, args=(who,)) for who in (place.chair, admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(
        ["counted", "The votes in this round have already been counted"]
    )
    assert Grant.objects.filter(proposal__round=place.round).count() == 2
    assert Transaction.objects.filter(kind=TransactionKind.COMMIT).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_queue_one_count() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: real concurrency needs PostgreSQL")
    place = build_pb_place(RoundPhase.VOTING, budget_pence=100_000)
    (a,) = add_proposals(place.round, place.resident, 40_000)
    add_ballots(place.round, [a])
    set_phase(place.round, RoundPhase.CLOSED)
    admin = make_site_admin()
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def ask(actor: object) -> None:
        try:
            round_ = Round.objects.get(pk=place.round.pk)
            barrier.wait()
            outcomes.append(counting.count_request(actor=actor, round_=round_))  # type: ignore[arg-type]
        finally:
            close_old_connections()
            connection.close()

    # The database backend: a task queued in either thread is a row everyone can see.
    with override_settings(TASKS=DATABASE_TASKS):
        threads = [threading.Thread(target=ask, args=(who,)) for who in (place.chair, admin)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == [False, True]
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [place.round.pk]
    assert AuditEntry.objects.filter(action="funding.round_count_request").count() == 1
