"""Counting with every rule a round can choose gives the same funded set as calling pb.py
directly on the same proposals and ballots; the grants' commitments add up to the funded cost
(never more than the budget), and the results page explains every project."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.utils.html import escape

from grassroots.funding import ledger, pb
from grassroots.funding.models import Grant, PBBallot, Proposal, Round, RoundPhase
from grassroots.funding.pbround_selectors import result_rows
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.pbround_helpers import (
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)

pytestmark = pytest.mark.django_db

RULES = [
    {"rule": "greedy", "greedy_variant": "skip"},
    {"rule": "greedy", "greedy_variant": "no-skip"},
    {"rule": "greedy", "greedy_variant": "skip", "min_votes": 8},
    {"rule": "mes", "utility": "cost", "completion": "none"},
    {"rule": "mes", "utility": "card", "completion": "none"},
    {"rule": "mes", "utility": "cost", "completion": "add1"},
    {"rule": "mes", "utility": "card", "completion": "add1"},
]


def _direct(round_: Round) -> pb.Result:
    """pb.py called straight on the rows, built here without the service's helpers."""
    proposals = Proposal.objects.filter(round=round_, status="eligible")
    instance = pb.Instance(
        budget=round_.budget_pence,
        projects=tuple(pb.Project(id=str(p.pk), cost=p.cost_pence) for p in proposals),
    )
    profile = pb.Profile(
        ballots=tuple(
            frozenset(str(pk) for pk in b.proposals.values_list("pk", flat=True))
            for b in PBBallot.objects.filter(round=round_)
        )
    )
    if round_.rule == "greedy":
        return pb.greedy(
            instance,
            profile,
            skip=round_.greedy_variant == "skip",
            # A project nobody voted for is never funded (pbround_count.min_votes_of).
            min_votes=max(round_.min_votes, 1),
        )
    return pb.equal_shares(
        instance,
        profile,
        utility=pb.Utility(round_.utility),
        completion=pb.Completion(round_.completion),
    )


@pytest.mark.parametrize("settings_", RULES, ids=lambda s: "-".join(map(str, s.values())))
def test_counting_matches_pb_directly(settings_: dict[str, object], client: Client) -> None:
    rng = random.Random(12)
    place = build_pb_place(RoundPhase.VOTING, budget_pence=1_000_000, **settings_)
    costs = [rng.randrange(20_000, 400_000, 500) for _n in range(10)]
    ps = add_proposals(place.round, place.resident, *costs)
    popularity = [rng.random() for _p in ps]
    add_ballots(
        place.round,
        *[
            [p for p, w in zip(ps, popularity, strict=True) if rng.random() < w] or [ps[0]]
            for _n in range(30)
        ],
    )
    set_phase(place.round, RoundPhase.CLOSED)
    direct = _direct(place.round)
    services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    assert set(round_.result["funded"]) == set(direct.funded)
    assert round_.result["funded"] == list(direct.funded)
    grants = Grant.objects.filter(proposal__round=round_)
    assert {str(g.proposal_id) for g in grants} == set(direct.funded)
    committed = sum(ledger.grant_balances(g).committed_pence for g in grants)
    assert committed == round_.result["total_cost_pence"] == direct.total_cost
    assert committed <= round_.budget_pence
    page = client.get(f"/funds/rounds/{round_.pk}/results/").content.decode()
    rows = result_rows(round_)
    assert len(rows) == len(ps)
    for row in rows:
        assert row.why not in ("Funded.", "Not funded.")
        assert row.why.startswith("Funded") is row.funded
        assert escape(row.why) in page


@pytest.mark.parametrize("rule", ["greedy", "mes"])
def test_a_project_nobody_voted_for_is_not_funded(rule: str) -> None:
    place = build_pb_place(RoundPhase.VOTING, budget_pence=100_000, rule=rule)
    a, b = add_proposals(place.round, place.resident, 10_000, 10_000)
    add_ballots(place.round, [a])
    set_phase(place.round, RoundPhase.CLOSED)
    services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    assert round_.result["funded"] == [str(a.pk)]
    why = {r.id: r.why for r in result_rows(round_)}
    assert why[str(b.pk)] == "Not funded. Nobody voted for it."


def test_mes_explanations_say_what_supporters_paid_or_had() -> None:
    place = build_pb_place(
        RoundPhase.VOTING, budget_pence=90_000, rule="mes", utility="cost", completion="none"
    )
    a, b, c = add_proposals(place.round, place.resident, 60_000, 30_000, 45_000)
    add_ballots(place.round, [a], [a], [a, b], [b, c], [c], [a, c])
    set_phase(place.round, RoundPhase.CLOSED)
    services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    why = {r.id: r.why for r in result_rows(round_)}
    funded = set(round_.result["funded"])
    for p in (a, b, c):
        if str(p.pk) in funded:
            assert "none paying more than £" in why[str(p.pk)] or "paid its cost" in why[str(p.pk)]
        else:
            assert "left" in why[str(p.pk)]
