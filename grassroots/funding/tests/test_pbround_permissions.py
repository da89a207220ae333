"""Who may do what in a participatory-budgeting round: every write, through the rules, the
services and the pages (who may, who may not)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core.services import ServiceError
from grassroots.funding.models import (
    PBBallot,
    Proposal,
    ProposalStatus,
    Round,
    RoundPhase,
    RoundRule,
)
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.pbround_helpers import (
    WHO,
    PBPlace,
    add_ballots,
    add_proposals,
    build_pb_place,
    person,
    set_phase,
)
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def place() -> PBPlace:
    return build_pb_place(RoundPhase.PROPOSALS)


ALLOWED = {
    "funding.create_round": {"chair", "admin"},
    "funding.count_round": {"chair", "admin"},
    "funding.check_proposal": {"chair", "treasurer", "member", "admin"},
    # Residents of the area: every member in make_area lives in its ward too.
    "funding.propose_project": {"chair", "treasurer", "member", "resident", "left"},
    "funding.vote_in_round": {"chair", "treasurer", "member", "resident", "left"},
}


@pytest.mark.parametrize("perm", sorted(ALLOWED))
@pytest.mark.parametrize("who", WHO)
def test_rules_matrix(place: PBPlace, perm: str, who: str) -> None:
    user = person(place, who)
    target = place.area.fund if perm == "funding.create_round" else place.round
    assert user.has_perm(perm, target) is (who in ALLOWED[perm])


def test_nobody_signed_out_may_do_anything(place: PBPlace, client: Client) -> None:
    for perm in ALLOWED:
        target = place.area.fund if perm == "funding.create_round" else place.round
        assert not AnonymousUser().has_perm(perm, target)
    round_ = place.round
    for url in [
        f"/funds/{place.area.fund.slug}/rounds/new/",
        f"/funds/rounds/{round_.pk}/propose/",
        f"/funds/rounds/{round_.pk}/proposals/",
        f"/funds/rounds/{round_.pk}/ballot/",
        f"/funds/rounds/{round_.pk}/count/",
    ]:
        response = client.post(url, {})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def _create(actor: User, place: PBPlace) -> Round:
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return services.round_create(
        actor=actor,
        fund=place.area.fund,
        title="Second round",
        budget_pence=100_000,
        proposals_open=now,
        proposals_close=now + day,
        voting_opens=now + 2 * day,
        voting_closes=now + 3 * day,
        rule=RoundRule.GREEDY,
        plan_line=place.area.line,
    )


def _propose(actor: User, place: PBPlace) -> Proposal:
    return services.proposal_create(
        actor=actor,
        round_=place.round,
        title="Benches",
        description="By the canal.",
        cost_pence=5000,
    )


def _check(actor: User, place: PBPlace) -> Proposal:
    (proposal,) = add_proposals(place.round, place.resident, 5000, status=ProposalStatus.SUBMITTED)
    return services.proposal_check(actor=actor, proposal=proposal, eligible=True)


def _vote(actor: User, place: PBPlace) -> PBBallot:
    (proposal,) = add_proposals(place.round, place.resident, 5000)
    set_phase(place.round, RoundPhase.VOTING)
    return services.ballot_cast(actor=actor, round_=place.round, proposal_ids=[proposal.pk])


def _count(actor: User, place: PBPlace) -> Round:
    (proposal,) = add_proposals(place.round, place.resident, 5000)
    add_ballots(place.round, [proposal])
    set_phase(place.round, RoundPhase.CLOSED)
    return services.round_count(actor=actor, round_=place.round)


SERVICES: dict[str, Callable[[User, PBPlace], object]] = {
    "funding.create_round": _create,
    "funding.propose_project": _propose,
    "funding.check_proposal": _check,
    "funding.vote_in_round": _vote,
    "funding.count_round": _count,
}


@pytest.mark.parametrize("perm", sorted(SERVICES))
@pytest.mark.parametrize("who", ["chair", "member", "resident", "outsider", "admin_no_totp"])
def test_services_check_their_permission(place: PBPlace, perm: str, who: str) -> None:
    user = person(place, who)
    if who in ALLOWED[perm]:
        assert SERVICES[perm](user, place) is not None
    else:
        with pytest.raises(PermissionDenied):
            SERVICES[perm](user, place)


def test_pages_refuse_those_who_may_not(place: PBPlace, client: Client) -> None:
    round_ = place.round
    (proposal,) = add_proposals(round_, place.resident, 5000, status=ProposalStatus.SUBMITTED)
    client.force_login(place.outsider)
    assert client.get(f"/funds/rounds/{round_.pk}/propose/").status_code == 403
    assert client.post(f"/funds/rounds/{round_.pk}/propose/", {}).status_code == 403
    client.force_login(place.resident)
    assert client.get(f"/funds/{place.area.fund.slug}/rounds/new/").status_code == 403
    assert client.get(f"/funds/rounds/{round_.pk}/proposals/").status_code == 403
    check = f"/funds/rounds/{round_.pk}/proposals/{proposal.pk}/check/"
    assert client.post(check, {"eligible": "yes"}).status_code == 403
    assert client.get(f"/funds/rounds/{round_.pk}/count/").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    set_phase(round_, RoundPhase.VOTING)
    client.force_login(place.outsider)
    assert client.get(f"/funds/rounds/{round_.pk}/ballot/").status_code == 403
    client.force_login(place.member)
    assert client.post(f"/funds/rounds/{round_.pk}/count/").status_code == 403
    assert not PBBallot.objects.exists()


def test_phases_are_enforced(place: PBPlace) -> None:
    (proposal,) = add_proposals(place.round, place.resident, 5000)
    set_phase(place.round, RoundPhase.CHECKING)
    with pytest.raises(ServiceError, match="not taking proposals"):
        _propose(place.resident, place)
    with pytest.raises(ServiceError, match="Voting is not open"):
        services.ballot_cast(actor=place.resident, round_=place.round, proposal_ids=[proposal.pk])
    with pytest.raises(ServiceError, match="once voting has closed"):
        services.round_count(actor=place.chair, round_=place.round)
    set_phase(place.round, RoundPhase.VOTING)
    with pytest.raises(ServiceError, match="before voting opens"):
        services.proposal_check(actor=place.chair, proposal=proposal, eligible=False, reason="x")


def test_a_partnership_below_the_rules_cannot_open_or_count(place: PBPlace) -> None:
    for seat in place.area.members[4:]:
        seat.left_on = timezone.localdate()
        seat.save()
    with pytest.raises(ServiceError, match="cannot decide"):
        _create(place.chair, place)
    assert Round.objects.count() == 1
    with pytest.raises(ServiceError, match="cannot decide"):
        _count(place.chair, place)
    place.round.refresh_from_db()
    assert place.round.counted_at is None


def test_a_new_resident_may_vote(place: PBPlace) -> None:
    newcomer = make_resident(ward=place.area.wards[0])
    assert newcomer.has_perm("funding.vote_in_round", place.round)
