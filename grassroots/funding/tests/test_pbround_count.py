"""Ballots (one a person, changeable), counting (the rule's funded set, grants with their cost
committed in one transaction, refused twice or when the fund cannot cover it) and the results
page that explains every project. Counting in the background: test_pbround_count_task.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils.html import escape

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding import ledger
from grassroots.funding.models import (
    Grant,
    GreedyVariant,
    PBBallot,
    Proposal,
    Round,
    RoundPhase,
    Transaction,
    TransactionKind,
)
from grassroots.funding.pbround_count import run_rule, votes_of
from grassroots.funding.pbround_selectors import result_rows
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.factories import make_grant
from grassroots.funding.tests.pbround_helpers import (
    PBPlace,
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)
from grassroots.groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_the_database_keeps_one_ballot_a_voter() -> None:
    place = build_pb_place(RoundPhase.VOTING)
    PBBallot.objects.create(round=place.round, voter=place.resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        PBBallot.objects.create(round=place.round, voter=place.resident)


def test_a_ballot_is_changed_not_doubled(client: Client) -> None:
    place = build_pb_place(RoundPhase.VOTING)
    a, b, c = add_proposals(place.round, place.resident, 1000, 2000, 3000)
    client.force_login(place.resident_b)
    url = f"/funds/rounds/{place.round.pk}/ballot/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"chosen": [str(a.pk), str(b.pk)]}).status_code == 302
    page = client.get(url).content.decode()
    assert f'value="{a.pk}" checked' in page
    assert f'value="{c.pk}" checked' not in page
    assert client.post(url, {"chosen": [str(c.pk)]}).status_code == 302
    ballot = PBBallot.objects.get()
    assert list(ballot.proposals.all()) == [c]
    assert (ballot.voter, ballot.ward) == (place.resident_b, place.area.wards[0])
    assert AuditEntry.objects.filter(action="funding.pb_ballot_cast").count() == 1
    assert AuditEntry.objects.filter(action="funding.pb_ballot_change").count() == 1
    assert "You have voted" in client.get(place.round.get_absolute_url()).content.decode()
    # Once voting has closed the ballot can no longer change.
    set_phase(place.round, RoundPhase.CLOSED)
    with pytest.raises(ServiceError):
        services.ballot_cast(actor=place.resident_b, round_=place.round, proposal_ids=[a.pk])


def _closed_with_votes(**round_fields: object) -> tuple[PBPlace, list[Proposal]]:
    place = build_pb_place(RoundPhase.VOTING, budget_pence=100_000, **round_fields)
    group = GroupFactory(council=place.area.council)
    ps = add_proposals(place.round, place.resident, 60_000, 30_000, 30_000, 20_000, 50_000)
    ps[1].group = group
    ps[1].save()
    a, b, c, d, e = ps
    add_ballots(place.round, [a, b], [a, c], [a, b, d], [b, c], [a], [e], [c, d])
    set_phase(place.round, RoundPhase.CLOSED)
    return place, ps


def test_counting_funds_the_rules_choice_and_commits_grants(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    place, (a, b, *_rest) = _closed_with_votes()
    # Votes: a 4, b 3, c 3, d 2, e 1. Greedy with skipping over £1,000: a (£600), then b
    # (£300); c (£300) no longer fits; d (£200) does not either; e (£500) no.
    costs, ballots, _ps = services.round_data(place.round)
    expected = list(run_rule(place.round, costs, ballots).funded)
    assert expected == [str(a.pk), str(b.pk)]
    client.force_login(place.chair)
    url = f"/funds/rounds/{place.round.pk}/count/"
    assert client.get(url).status_code == 200
    # The page only asks; the task runs after the commit (the immediate backend in tests).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == place.round.get_absolute_url()
    round_ = Round.objects.get()
    assert round_.counted_at is not None
    assert round_.phase == RoundPhase.COUNTED
    assert round_.result["funded"] == expected
    assert round_.result["ballots"] == 7
    grants = {g.proposal_id: g for g in Grant.objects.filter(fund=place.area.fund)}
    assert set(grants) == {a.pk, b.pk}
    assert grants[b.pk].group == b.group
    assert grants[a.pk].group is None
    assert all(g.plan_line is None for g in grants.values())
    committed = sum(ledger.grant_balances(g).committed_pence for g in grants.values())
    assert committed == a.cost_pence + b.cost_pence <= round_.budget_pence
    assert ledger.fund_balances(place.area.fund).available_pence == 100_000_000 - committed
    assert AuditEntry.objects.filter(action="funding.round_count").count() == 1
    # Counting again is refused and changes nothing.
    with pytest.raises(ServiceError, match="already been counted"):
        services.round_count(actor=place.chair, round_=round_)
    response = client.post(url)
    assert response.status_code == 302
    assert Grant.objects.count() == 2
    assert Transaction.objects.filter(kind=TransactionKind.COMMIT).count() == 2


def test_no_skip_stops_at_the_first_that_does_not_fit() -> None:
    place, (a, b, c, d, _e) = _closed_with_votes(greedy_variant=GreedyVariant.NO_SKIP)
    services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    assert round_.result["funded"] == [str(a.pk), str(b.pk)]
    reasons = {p["id"]: p["reason"] for p in round_.result["projects"]}
    assert reasons[str(c.pk)] == "did_not_fit"
    assert reasons[str(d.pk)] == "after_first_misfit"


def test_minimum_votes() -> None:
    place, (a, b, *_rest) = _closed_with_votes(min_votes=4)
    services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    assert round_.result["funded"] == [str(a.pk)]
    reasons = {p["id"]: p["reason"] for p in round_.result["projects"]}
    assert reasons[str(b.pk)] == "too_few_votes"


def test_ties_break_in_plain_string_order_of_the_ids() -> None:
    place = build_pb_place(RoundPhase.VOTING, budget_pence=10_000)
    # Ids 999999 and 1000000: by number 999999 comes first, in plain string order "1000000".
    nine, ten = (
        Proposal.objects.create(
            pk=pk,
            round=place.round,
            title=f"Project {pk}",
            description="x",
            cost_pence=10_000,
            proposer=place.resident,
            status="eligible",
        )
        for pk in (999_999, 1_000_000)
    )
    add_ballots(place.round, [nine, ten])
    set_phase(place.round, RoundPhase.CLOSED)
    costs, ballots, _p = services.round_data(place.round)
    assert votes_of(costs, ballots) == {"999999": 1, "1000000": 1}
    assert run_rule(place.round, costs, ballots).funded == ("1000000",)


def test_a_fund_that_cannot_cover_the_result_records_nothing() -> None:
    place, _ps = _closed_with_votes()
    make_grant(place.area, 100_000_000 - 50_000)  # leaves £500
    with pytest.raises(ServiceError, match=r"not recorded.*£500 left"):
        services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    assert round_.counted_at is None
    assert round_.result == {}
    assert not Grant.objects.filter(proposal__isnull=False).exists()
    assert Transaction.objects.filter(kind=TransactionKind.COMMIT).count() == 1
    assert not AuditEntry.objects.filter(action="funding.round_count").exists()


def test_results_page_explains_every_project(client: Client) -> None:
    place, ps = _closed_with_votes()
    client.force_login(place.resident)
    assert client.get(f"/funds/rounds/{place.round.pk}/results/").status_code == 302
    services.round_count(actor=place.chair, round_=place.round)
    round_ = Round.objects.get()
    client.logout()
    response = client.get(f"/funds/rounds/{round_.pk}/results/")
    assert response.status_code == 200
    page = response.content.decode()
    rows = result_rows(round_)
    assert {r.id for r in rows} == {str(p.pk) for p in ps}
    for row in rows:
        assert f'data-project="{row.id}"' in page
        assert row.why
        assert row.why not in ("Funded.", "Not funded.")
        assert escape(row.why) in page
    why = {r.id: r.why for r in rows}
    a, _b, c, *_rest = ps
    assert why[str(a.pk)].startswith("Funded. With 4 votes it came number 1")
    assert "only £100 was left, less than its cost of £300" in why[str(c.pk)]
    for grant in Grant.objects.filter(proposal__isnull=False):
        assert f'href="{grant.get_absolute_url()}"' in page
        assert client.get(grant.get_absolute_url()).status_code == 200
    assert "£1,000" in page
    assert "7 people voted" in page
    assert "See the results" in client.get(round_.get_absolute_url()).content.decode()
