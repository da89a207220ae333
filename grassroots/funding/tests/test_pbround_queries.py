"""Query budgets: the round page, the ballot, the eligibility queue and the results cost the
same number of queries whatever the number of proposals and ballots."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.funding.models import ProposalStatus, RoundPhase
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.pbround_helpers import (
    PBPlace,
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)

pytestmark = pytest.mark.django_db


def _fill(place: PBPlace, n: int) -> None:
    ps = add_proposals(place.round, place.resident, *([5000] * n))
    add_proposals(place.round, place.resident_b, 5000, status=ProposalStatus.SUBMITTED)
    add_ballots(place.round, *[ps[: k % n + 1] for k in range(n)])


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _measure(phase: RoundPhase, who: Callable[[PBPlace], object], path: str) -> list[int]:
    counts = []
    for n in (3, 12):
        place = build_pb_place(RoundPhase.VOTING)
        _fill(place, n)
        if phase == RoundPhase.COUNTED:
            set_phase(place.round, RoundPhase.CLOSED)
            services.round_count(actor=place.chair, round_=place.round)
        else:
            set_phase(place.round, phase)
        client = Client()
        user = who(place)
        if user is not None:
            client.force_login(user)  # type: ignore[arg-type]
        counts.append(_queries(client, path.format(pk=place.round.pk)))
    return counts


@pytest.mark.parametrize(
    ("phase", "who", "path", "budget"),
    [
        # Signed in, +2 with the page cache off (as here): the initiatives' and conversations'
        # visibility answers (kept in the cache in production, decision 18).
        (RoundPhase.VOTING, lambda p: p.resident, "/funds/rounds/{pk}/", 13),
        (RoundPhase.VOTING, lambda p: p.member, "/funds/rounds/{pk}/", 13),
        (RoundPhase.CHECKING, lambda p: None, "/funds/rounds/{pk}/", 4),
        (RoundPhase.VOTING, lambda p: p.resident, "/funds/rounds/{pk}/ballot/", 10),
        (RoundPhase.CHECKING, lambda p: p.chair, "/funds/rounds/{pk}/proposals/", 10),
        (RoundPhase.COUNTED, lambda p: p.resident, "/funds/rounds/{pk}/results/", 8),
        (RoundPhase.COUNTED, lambda p: None, "/funds/rounds/{pk}/results/", 2),
    ],
)
def test_queries_do_not_grow(
    phase: RoundPhase, who: Callable[[PBPlace], object], path: str, budget: int
) -> None:
    small, large = _measure(phase, who, path)
    assert small == large, (small, large)
    assert large <= budget, large
