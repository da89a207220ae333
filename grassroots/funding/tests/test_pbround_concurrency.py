"""Two counts of the same round at the same moment on PostgreSQL: the round's row lock lets
one through; the other is refused, so the grants and commitments are written once."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from grassroots.core.services import ServiceError
from grassroots.funding.models import Grant, Round, RoundPhase, Transaction, TransactionKind
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.pbround_helpers import (
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)
from grassroots.testing.people import make_site_admin


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
