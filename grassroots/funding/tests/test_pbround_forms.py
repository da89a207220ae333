"""Bad input for every participatory-budgeting form: a clear message beside the right box,
nothing changed, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.funding import ledger
from grassroots.funding.models import PBBallot, Proposal, ProposalStatus, Round, RoundPhase
from grassroots.funding.tests.factories import make_grant
from grassroots.funding.tests.pbround_helpers import (
    PBPlace,
    add_proposals,
    build_pb_place,
    set_phase,
)
from grassroots.groups.models import GroupMembership, GroupRole
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def place() -> PBPlace:
    return build_pb_place(RoundPhase.PROPOSALS)


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _round_form(**changes: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "title": "Riverside decides 2027",
        "description": "",
        "budget": "50,000",
        **_date("proposals_open", today + datetime.timedelta(days=1)),
        **_date("proposals_close", today + datetime.timedelta(days=30)),
        **_date("voting_opens", today + datetime.timedelta(days=44)),
        **_date("voting_closes", today + datetime.timedelta(days=58)),
        "rule": "greedy",
        "greedy_variant": "skip",
        "min_votes": "",
        "utility": "cost",
        "completion": "none",
        "ballot_limit": "",
    }
    data.update(changes)
    return data


def _new_round(client: Client, place: PBPlace, data: dict[str, str]) -> str:
    """Post the new-round form; the fund's first priority unless `data` says otherwise."""
    data.setdefault("plan_line", str(place.area.line.pk))
    client.force_login(place.chair)
    response = client.post(f"/funds/{place.area.fund.slug}/rounds/new/", data)
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    return body


def test_the_chair_opens_a_round(place: PBPlace, client: Client) -> None:
    client.force_login(place.chair)
    assert client.get(f"/funds/{place.area.fund.slug}/rounds/new/").status_code == 200
    assert _new_round(client, place, _round_form(ballot_limit="20000", min_votes="3")) == ""
    made = Round.objects.get(title="Riverside decides 2027")
    assert made.budget_pence == 5_000_000
    assert made.ballot_limit_pence == 2_000_000
    assert made.min_votes == 3
    assert made.phase == RoundPhase.NOT_OPEN
    assert AuditEntry.objects.filter(action="funding.round_create").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the round"),
        ({"budget": ""}, "Enter the budget"),
        ({"budget": "-5"}, "Enter an amount in pounds"),
        ({"budget": "lots"}, "Enter an amount in pounds"),
        ({"budget": "0"}, "Enter an amount of at least"),
        ({"budget": "2000000"}, "no more than the £1,000,000 the fund has available"),
        ({"ballot_limit": "60000"}, "spending limit per ballot must be no more than the budget"),
        ({"ballot_limit": "ten"}, "Enter an amount in pounds"),
        ({"proposals_open_1": "13"}, "must be a real date"),
        ({"proposals_close_0": ""}, "must include a day"),
        (
            _date("proposals_close", timezone.localdate()),
            "Proposals must close after they open",
        ),
        (
            _date("voting_opens", timezone.localdate() + datetime.timedelta(days=10)),
            "Voting must open after proposals close",
        ),
        (
            _date("voting_closes", timezone.localdate() + datetime.timedelta(days=44)),
            "Voting must close after it opens",
        ),
        ({"rule": ""}, "Choose how the votes are counted"),
        ({"rule": "lottery"}, "Choose how the votes are counted"),
        ({"completion": "add1"}, "only applies to the Method of Equal Shares"),
        ({"rule": "mes", "min_votes": "5"}, "only applies to most votes first"),
        ({"min_votes": "-1"}, "cannot be less than 0"),
        ({"min_votes": "many"}, "whole number"),
        ({"greedy_variant": "random"}, "Choose what happens when a project does not fit"),
    ],
)
def test_bad_round_input(
    place: PBPlace, client: Client, changes: dict[str, str], message: str
) -> None:
    body = _new_round(client, place, _round_form(**changes))
    assert message in body.replace("&#x27;", "'"), body[:3000]
    assert Round.objects.count() == 1


def test_budget_above_what_is_available_after_grants(place: PBPlace, client: Client) -> None:
    make_grant(place.area, 95_000_000)
    assert ledger.fund_balances(place.area.fund).available_pence == 5_000_000
    body = _new_round(client, place, _round_form(budget="50000.01"))
    assert "£50,000 the fund has available" in body
    assert _new_round(client, place, _round_form(budget="50000")) == ""


def test_mes_with_add_one_is_accepted(place: PBPlace, client: Client) -> None:
    assert (
        _new_round(client, place, _round_form(rule="mes", utility="card", completion="add1")) == ""
    )
    made = Round.objects.get(title="Riverside decides 2027")
    assert (made.rule, made.utility, made.completion) == ("mes", "card", "add1")


def _propose(client: Client, place: PBPlace, **changes: str) -> str:
    client.force_login(place.resident)
    data = {"title": "Benches by the canal", "description": "Six benches.", "cost": "2,500"}
    data.update(changes)
    response = client.post(f"/funds/rounds/{place.round.pk}/propose/", data)
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    return response.content.decode()


def test_a_resident_proposes(place: PBPlace, client: Client) -> None:
    client.force_login(place.resident)
    assert client.get(f"/funds/rounds/{place.round.pk}/propose/").status_code == 200
    assert _propose(client, place) == ""
    proposal = Proposal.objects.get()
    assert (proposal.cost_pence, proposal.status) == (250_000, ProposalStatus.SUBMITTED)
    assert proposal.proposer == place.resident
    assert (proposal.initiative, proposal.group) == (None, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the project"),
        ({"description": ""}, "Say what the project is"),
        ({"cost": ""}, "Enter what the project would cost"),
        ({"cost": "-100"}, "Enter an amount in pounds"),
        ({"cost": "a lot"}, "Enter an amount in pounds"),
        ({"cost": "12.345"}, "Enter an amount in pounds"),
        ({"cost": "0"}, "Enter an amount of at least"),
        ({"cost": "10000.01"}, "Enter an amount of no more than £10,000"),
        ({"on_behalf": "group:999"}, "Choose who is proposing it"),
        ({"title": "x" * 151}, "150 characters or fewer"),
    ],
)
def test_bad_proposal_input(
    place: PBPlace, client: Client, changes: dict[str, str], message: str
) -> None:
    body = _propose(client, place, **changes)
    assert message in body.replace("&#x27;", "'")
    assert not Proposal.objects.exists()


@pytest.mark.usefixtures("held_clock")
def test_proposals_are_rate_limited(place: PBPlace, client: Client) -> None:
    for _n in range(5):
        assert _propose(client, place) == ""
    response = client.post(
        f"/funds/rounds/{place.round.pk}/propose/",
        {"title": "One more", "description": "x", "cost": "5"},
    )
    assert response.status_code == 429
    assert Proposal.objects.count() == 5


def test_on_behalf_of_a_group_the_resident_organises(place: PBPlace, client: Client) -> None:
    group = GroupFactory(council=place.area.council, created_by=place.resident)
    GroupMembership.objects.update_or_create(
        group=group, user=place.resident, defaults={"role": GroupRole.ORGANISER, "status": "active"}
    )
    client.force_login(place.resident)
    page = client.get(f"/funds/rounds/{place.round.pk}/propose/").content.decode()
    assert group.name in page
    assert _propose(client, place, on_behalf=f"group:{group.pk}") == ""
    assert Proposal.objects.get().group == group


def test_check_form(place: PBPlace, client: Client) -> None:
    (proposal,) = add_proposals(place.round, place.resident, 5000, status=ProposalStatus.SUBMITTED)
    url = f"/funds/rounds/{place.round.pk}/proposals/{proposal.pk}/check/"
    client.force_login(place.member)
    assert client.get(f"/funds/rounds/{place.round.pk}/proposals/").status_code == 200
    assert client.get(url).status_code == 200
    body = client.post(url, {"eligible": "no", "reason": ""}).content.decode()
    assert "Say why the proposal is not eligible" in body
    body = client.post(url, {"eligible": "maybe"}).content.decode()
    assert "Say whether the proposal is eligible" in body
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    response = client.post(url, {"eligible": "no", "reason": "Outside the area."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.eligibility_note) == (
        ProposalStatus.INELIGIBLE,
        "Outside the area.",
    )
    assert proposal.checked_by == place.member
    # The proposer is told, and sees the reason on the round's page.
    assert Notification.objects.filter(recipient=place.resident).exists()
    client.force_login(place.resident)
    page = client.get(place.round.get_absolute_url()).content.decode()
    assert "Outside the area." in page
    # Other residents do not see a proposal that is not on the ballot.
    client.force_login(place.resident_b)
    assert "Outside the area." not in client.get(place.round.get_absolute_url()).content.decode()


def test_over_limit_ballot(client: Client) -> None:
    place = build_pb_place(RoundPhase.VOTING, ballot_limit_pence=10_000)
    a, b = add_proposals(place.round, place.resident, 6_000, 5_000)
    client.force_login(place.resident)
    url = f"/funds/rounds/{place.round.pk}/ballot/"
    body = client.post(url, {"chosen": [str(a.pk), str(b.pk)]}).content.decode()
    assert "cost £110 together: you can choose up to £100" in body
    body = client.post(url, {}).content.decode()
    assert "Tick at least one project" in body
    body = client.post(url, {"chosen": ["99999"]}).content.decode()
    assert "Choose from the projects on the ballot" in body
    body = client.post(url, {"chosen": ["abc"]}).content.decode()
    assert "Choose from the projects on the ballot" in body
    assert not PBBallot.objects.exists()
    assert client.post(url, {"chosen": [str(a.pk)]}).status_code == 302
    assert list(PBBallot.objects.get().proposals.all()) == [a]


def test_ineligible_proposals_are_not_on_the_ballot(client: Client) -> None:
    place = build_pb_place(RoundPhase.VOTING)
    (a,) = add_proposals(place.round, place.resident, 6_000)
    (b,) = add_proposals(place.round, place.resident, 6_000, status=ProposalStatus.INELIGIBLE)
    (c,) = add_proposals(place.round, place.resident, 6_000, status=ProposalStatus.SUBMITTED)
    client.force_login(place.resident_b)
    url = f"/funds/rounds/{place.round.pk}/ballot/"
    page = client.get(url).content.decode()
    assert f'value="{a.pk}"' in page
    assert f'value="{b.pk}"' not in page
    assert f'value="{c.pk}"' not in page
    body = client.post(url, {"chosen": [str(b.pk)]}).content.decode()
    assert "Choose from the projects on the ballot" in body
    assert not PBBallot.objects.exists()


def test_count_page_before_voting_closes(client: Client) -> None:
    place = build_pb_place(RoundPhase.VOTING)
    client.force_login(place.chair)
    url = f"/funds/rounds/{place.round.pk}/count/"
    assert "once voting has closed" in client.get(url).content.decode()
    body = client.post(url).content.decode()
    assert "once voting has closed" in body
    place.round.refresh_from_db()
    assert place.round.counted_at is None
    set_phase(place.round, RoundPhase.CLOSED)


def test_round_list_and_panel(place: PBPlace, client: Client) -> None:
    url = f"/funds/{place.area.fund.slug}/rounds/"
    page = client.get(url).content.decode()
    assert place.round.title in page
    assert "Open a round" not in page
    client.force_login(place.chair)
    assert "Open a round" in client.get(url).content.decode()
    panel = Template("{% load funding_pbround %}{% pb_rounds fund %}").render(
        Context({"fund": place.area.fund, "user": place.resident})
    )
    assert place.round.get_absolute_url() in panel
    assert "Open a round" not in panel
