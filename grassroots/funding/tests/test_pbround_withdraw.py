"""Withdrawing a participatory-budgeting proposal: who may (the proposer, and those acting for
the initiative or group it was made for) and who may not, only before voting opens, once, and a
withdrawn proposal is kept, shown as withdrawn, never on the ballot and never counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding.models import Grant, PBBallot, Proposal, ProposalStatus, RoundPhase
from grassroots.funding.services import pbround as services
from grassroots.funding.tests.pbround_helpers import (
    PBPlace,
    add_ballots,
    add_proposals,
    build_pb_place,
    set_phase,
)
from grassroots.groups.models import Group, GroupMembership, GroupRole
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.notifications.models import Notification
from grassroots.testing.people import make_resident, make_site_admin

pytestmark = pytest.mark.django_db


@dataclass
class World:
    place: PBPlace
    lead: User  # leads the initiative
    organiser: User  # organises the group
    initiative: Initiative
    group: Group
    own: Proposal  # the resident's, for nobody else
    for_initiative: Proposal  # the resident's, on behalf of the initiative
    for_group: Proposal  # the resident's, on behalf of the group

    @property
    def proposer(self) -> User:
        return self.place.resident


def _proposal(place: PBPlace, title: str, **behalf: object) -> Proposal:
    return Proposal.objects.create(
        round=place.round,
        title=title,
        description="Something good for the area.",
        cost_pence=5_000,
        proposer=place.resident,
        **behalf,
    )


def build(phase: RoundPhase = RoundPhase.PROPOSALS) -> World:
    place = build_pb_place(phase)
    ward = place.area.wards[0]
    lead = make_resident(ward=ward, name="Lee")
    initiative = InitiativeFactory(created_by=lead, wards=[ward], title="Canal clean-up")
    organiser = make_resident(ward=ward, name="Ola")
    group = GroupFactory(council=place.area.council, created_by=organiser)
    GroupMembership.objects.update_or_create(
        group=group, user=organiser, defaults={"role": GroupRole.ORGANISER, "status": "active"}
    )
    return World(
        place=place,
        lead=lead,
        organiser=organiser,
        initiative=initiative,
        group=group,
        own=_proposal(place, "Benches"),
        for_initiative=_proposal(place, "Litter pickers", initiative=initiative),
        for_group=_proposal(place, "Bulbs", group=group),
    )


@pytest.fixture
def world() -> World:
    return build()


WHO = ["proposer", "lead", "organiser", "resident", "member", "chair", "admin", "anonymous"]
ALLOWED = {
    "own": {"proposer"},
    "for_initiative": {"proposer", "lead"},
    "for_group": {"proposer", "organiser"},
}


def _person(world: World, who: str) -> User | AnonymousUser:
    if who == "admin":
        return make_site_admin()
    if who == "anonymous":
        return AnonymousUser()
    return {
        "proposer": world.proposer,
        "lead": world.lead,
        "organiser": world.organiser,
        "resident": world.place.resident_b,
        "member": world.place.member,
        "chair": world.place.chair,
    }[who]


@pytest.mark.parametrize("which", sorted(ALLOWED))
@pytest.mark.parametrize("who", WHO)
def test_the_rule(world: World, which: str, who: str) -> None:
    proposal = getattr(world, which)
    user = _person(world, who)
    assert user.has_perm("funding.withdraw_proposal", proposal) is (who in ALLOWED[which])


@pytest.mark.parametrize("which", sorted(ALLOWED))
@pytest.mark.parametrize("who", [w for w in WHO if w != "anonymous"])
def test_the_service_checks_the_rule(world: World, which: str, who: str) -> None:
    proposal: Proposal = getattr(world, which)
    user = _person(world, who)
    assert isinstance(user, User)
    if who in ALLOWED[which]:
        services.proposal_withdraw(actor=user, proposal=proposal)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN
        entry = AuditEntry.objects.get(action="funding.proposal_withdraw")
        assert entry.data["round"] == world.place.round.pk
    else:
        with pytest.raises(PermissionDenied):
            services.proposal_withdraw(actor=user, proposal=proposal)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SUBMITTED
        assert not AuditEntry.objects.filter(action="funding.proposal_withdraw").exists()


def test_the_proposer_is_told_when_a_lead_withdraws_it(world: World) -> None:
    services.proposal_withdraw(actor=world.lead, proposal=world.for_initiative)
    told = Notification.objects.get(recipient=world.proposer)
    assert "Litter pickers" in told.text
    assert "withdrawn" in told.text
    assert not Notification.objects.filter(recipient=world.lead).exists()


@pytest.mark.parametrize("status", [ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE])
def test_a_checked_proposal_may_be_withdrawn_while_checking(
    world: World, status: ProposalStatus
) -> None:
    set_phase(world.place.round, RoundPhase.CHECKING)
    Proposal.objects.filter(pk=world.own.pk).update(status=status)
    services.proposal_withdraw(actor=world.proposer, proposal=world.own)
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.WITHDRAWN


@pytest.mark.parametrize("phase", [RoundPhase.VOTING, RoundPhase.CLOSED])
def test_no_withdrawing_once_voting_has_opened(world: World, phase: RoundPhase) -> None:
    Proposal.objects.filter(pk=world.own.pk).update(status=ProposalStatus.ELIGIBLE)
    set_phase(world.place.round, phase)
    with pytest.raises(ServiceError, match="Voting has opened, so proposals can no longer"):
        services.proposal_withdraw(actor=world.proposer, proposal=world.own)
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.ELIGIBLE
    assert not AuditEntry.objects.filter(action="funding.proposal_withdraw").exists()


def test_no_withdrawing_after_the_count() -> None:
    place = build_pb_place(RoundPhase.VOTING)
    (proposal,) = add_proposals(place.round, place.resident, 5_000)
    add_ballots(place.round, [proposal])
    set_phase(place.round, RoundPhase.CLOSED)
    services.round_count(actor=place.chair, round_=place.round)
    proposal.refresh_from_db()
    with pytest.raises(ServiceError, match="no longer be withdrawn"):
        services.proposal_withdraw(actor=place.resident, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ELIGIBLE


def test_a_proposal_is_withdrawn_once(world: World) -> None:
    services.proposal_withdraw(actor=world.proposer, proposal=world.own)
    with pytest.raises(ServiceError, match="already been withdrawn"):
        services.proposal_withdraw(actor=world.proposer, proposal=world.own)
    assert AuditEntry.objects.filter(action="funding.proposal_withdraw").count() == 1


def test_a_withdrawn_proposal_cannot_be_checked(world: World) -> None:
    services.proposal_withdraw(actor=world.proposer, proposal=world.own)
    with pytest.raises(ServiceError, match="has been withdrawn"):
        services.proposal_check(actor=world.place.member, proposal=world.own, eligible=True)
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.WITHDRAWN


def test_a_withdrawn_proposal_is_never_on_the_ballot_nor_counted(
    world: World, client: Client
) -> None:
    place = world.place
    Proposal.objects.filter(round=place.round).update(status=ProposalStatus.ELIGIBLE)
    set_phase(place.round, RoundPhase.CHECKING)
    services.proposal_withdraw(actor=world.proposer, proposal=world.own)
    set_phase(place.round, RoundPhase.VOTING)
    # Not on the ballot page, and a ballot naming it is refused.
    client.force_login(place.resident_b)
    page = client.get(f"/funds/rounds/{place.round.pk}/ballot/").content.decode()
    assert f'value="{world.for_group.pk}"' in page
    assert f'value="{world.own.pk}"' not in page
    with pytest.raises(ServiceError, match="Choose from the projects on the ballot"):
        services.ballot_cast(
            actor=place.resident_b, round_=place.round, proposal_ids=[world.own.pk]
        )
    assert not PBBallot.objects.exists()
    # Even a ballot row that names it (as if written before) does not count it.
    add_ballots(place.round, [world.own, world.for_group], [world.own])
    set_phase(place.round, RoundPhase.CLOSED)
    counted = services.round_count(actor=place.chair, round_=place.round)
    ids = {p["id"] for p in counted.result["projects"]}
    assert str(world.own.pk) not in ids
    assert str(world.for_group.pk) in ids
    assert not Grant.objects.filter(proposal=world.own).exists()
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.WITHDRAWN


# --- The pages ----------------------------------------------------------------------------------


def _url(world: World, proposal: Proposal) -> str:
    return f"/funds/rounds/{world.place.round.pk}/proposals/{proposal.pk}/withdraw/"


def _page(client: Client, world: World, user: User | None) -> str:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(world.place.round.get_absolute_url()).content.decode()


def test_the_proposer_withdraws_through_the_page(world: World, client: Client) -> None:
    url = _url(world, world.own)
    page = _page(client, world, world.proposer)
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert "Withdraw this proposal?" in response.content.decode()
    response = client.post(url, follow=True)
    assert "The proposal has been withdrawn" in response.content.decode()
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.WITHDRAWN
    # Kept and shown as withdrawn, with no way to withdraw it again.
    page = _page(client, world, world.proposer)
    assert "Benches" in page
    assert "Withdrawn" in page
    assert url not in page
    response = client.get(url, follow=True)
    assert "already been withdrawn" in response.content.decode()


def test_who_sees_the_withdraw_link_and_the_withdrawn_proposal(
    world: World, client: Client
) -> None:
    init_url = _url(world, world.for_initiative)
    page = _page(client, world, world.lead)
    assert init_url in page
    assert _url(world, world.own) not in page
    assert _url(world, world.for_group) not in page
    page = _page(client, world, world.organiser)
    assert _url(world, world.for_group) in page
    assert init_url not in page
    for user in (world.place.resident_b, world.place.member, world.place.chair, None):
        assert "/withdraw/" not in _page(client, world, user)
    services.proposal_withdraw(actor=world.lead, proposal=world.for_initiative)
    # The partnership, the proposer and the lead see it marked withdrawn; other residents
    # do not see it at all (it was never on the ballot).
    for user in (world.place.member, world.proposer, world.lead):
        page = _page(client, world, user)
        assert "Litter pickers" in page
        assert "Withdrawn" in page
    for user in (world.place.resident_b, None):
        assert "Litter pickers" not in _page(client, world, user)
    client.force_login(world.place.member)
    queue = client.get(f"/funds/rounds/{world.place.round.pk}/proposals/").content.decode()
    assert "Litter pickers" in queue
    assert "Withdrawn" in queue
    check = f"/funds/rounds/{world.place.round.pk}/proposals/{world.for_initiative.pk}/check/"
    assert check not in queue


def test_the_page_refuses_those_who_may_not(world: World, client: Client) -> None:
    url = _url(world, world.own)
    response = client.post(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    for user in (world.place.resident_b, world.place.member, world.lead, make_site_admin()):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    client.force_login(world.proposer)
    missing = f"/funds/rounds/{world.place.round.pk}/proposals/99999/withdraw/"
    assert client.post(missing).status_code == 404
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.SUBMITTED


def test_the_page_after_voting_opens(world: World, client: Client) -> None:
    Proposal.objects.filter(pk=world.own.pk).update(status=ProposalStatus.ELIGIBLE)
    set_phase(world.place.round, RoundPhase.VOTING)
    url = _url(world, world.own)
    assert url not in _page(client, world, world.proposer)
    response = client.get(url, follow=True)
    assert "Voting has opened, so proposals can no longer be withdrawn" in response.content.decode()
    response = client.post(url, follow=True)
    assert "Voting has opened, so proposals can no longer be withdrawn" in response.content.decode()
    world.own.refresh_from_db()
    assert world.own.status == ProposalStatus.ELIGIBLE


def _round_page_queries(n: int, who: Callable[[World], User]) -> int:
    world = build()
    for k in range(n):
        _proposal(world.place, f"Mine {k}")
        _proposal(world.place, f"For the initiative {k}", initiative=world.initiative)
        _proposal(world.place, f"For the group {k}", group=world.group)
        other = InitiativeFactory(wards=[world.place.area.wards[0]])
        _proposal(world.place, f"Another initiative {k}", initiative=other)
    client = Client()
    client.force_login(who(world))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(world.place.round.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "who",
    [lambda w: w.proposer, lambda w: w.lead, lambda w: w.place.member],
    ids=["proposer", "lead", "member"],
)
def test_the_round_page_costs_the_same_queries_for_more_proposals(
    who: Callable[[World], User],
) -> None:
    small, large = _round_page_queries(1, who), _round_page_queries(6, who)
    assert small == large, (small, large)
