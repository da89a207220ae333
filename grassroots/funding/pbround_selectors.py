"""Reads for participatory-budgeting rounds, shaped once so each page's query count stays the
same whatever the number of proposals and ballots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.funding.models import (
    Fund,
    Grant,
    PBBallot,
    Proposal,
    ProposalStatus,
    Round,
    RoundPhase,
)
from grassroots.funding.pbround_explain import explain
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import MemberRole, MembershipStatus
from grassroots.initiatives.models import Membership as InitiativeMembership


def fund_for(slug: str) -> Fund | None:
    return Fund.objects.select_related("partnership", "council").filter(slug=slug).first()


def round_for(pk: int) -> Round | None:
    return (
        Round.objects.select_related("fund", "fund__partnership", "plan_line")
        .prefetch_related("fund__wards")
        .filter(pk=pk)
        .first()
    )


def rounds_of(fund: Fund) -> QuerySet[Round]:
    return Round.objects.filter(fund=fund).order_by("-proposals_open", "-pk")


def on_ballot(round_: Round) -> list[Proposal]:
    proposals = list(
        Proposal.objects.filter(round=round_, status=ProposalStatus.ELIGIBLE)
        .select_related("initiative", "group")
        .order_by("title", "pk")
    )
    for p in proposals:
        p.round = round_
    return proposals


def _led_initiatives(user: User) -> QuerySet[InitiativeMembership]:
    return InitiativeMembership.objects.filter(
        user=user, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
    )


def _organised_groups(user: User) -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(
        user=user, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
    )


def _theirs(viewer: Viewer) -> Q:
    """Proposals made by `viewer` or for an initiative they lead or a group they organise
    (subqueries: no query of their own)."""
    if not isinstance(viewer, User):
        return Q(pk__in=[])
    return (
        Q(proposer=viewer)
        | Q(initiative__in=_led_initiatives(viewer).values("initiative_id"))
        | Q(group__in=_organised_groups(viewer).values("group_id"))
    )


def proposals_seen_by(viewer: Viewer, round_: Round, *, checker: bool) -> list[Proposal]:
    """Proposals on the round's page: those on the ballot for everyone; the partnership also
    sees those waiting, refused or withdrawn; a proposer (and the leads of the initiative or
    organisers of the group a proposal was made for) sees their own, with the reason if
    refused, and marked if withdrawn. One query."""
    rows = Proposal.objects.filter(round=round_)
    if not checker:
        rows = rows.filter(Q(status=ProposalStatus.ELIGIBLE) | _theirs(viewer))
    proposals = list(rows.select_related("initiative", "group").order_by("title", "pk"))
    proposals.sort(key=lambda p: p.status == ProposalStatus.WITHDRAWN)
    for p in proposals:
        p.round = round_
    return proposals


def withdrawable_ids(viewer: Viewer, round_: Round, proposals: list[Proposal]) -> set[int]:
    """Which of `proposals` `viewer` may withdraw now: none once voting has opened. At most
    two queries for the viewer's initiatives and groups, and then only the rule's own lookups
    for the initiatives and groups they act for, whatever the number of proposals."""
    if not isinstance(viewer, User) or round_.phase not in (
        RoundPhase.PROPOSALS,
        RoundPhase.CHECKING,
    ):
        return set()
    live = [p for p in proposals if p.status != ProposalStatus.WITHDRAWN]
    if not live:
        return set()
    initiatives: set[int] = set()
    if any(p.initiative_id is not None for p in live):
        initiatives = set(_led_initiatives(viewer).values_list("initiative_id", flat=True))
    groups: set[int] = set()
    if any(p.group_id is not None for p in live):
        groups = set(_organised_groups(viewer).values_list("group_id", flat=True))
    return {
        p.pk
        for p in live
        if (p.proposer_id == viewer.pk or p.initiative_id in initiatives or p.group_id in groups)
        and viewer.has_perm("funding.withdraw_proposal", p)
    }


def waiting(round_: Round) -> list[Proposal]:
    """The eligibility queue: every proposal, those still waiting first and those withdrawn
    last."""
    proposals = list(
        Proposal.objects.filter(round=round_)
        .select_related("proposer", "initiative", "group")
        .order_by("checked_at", "pk")
    )
    order = {ProposalStatus.SUBMITTED: 0, ProposalStatus.WITHDRAWN: 2}
    proposals.sort(key=lambda p: order.get(ProposalStatus(p.status), 1))
    for p in proposals:
        p.round = round_
    return proposals


def own_ballot(viewer: Viewer, round_: Round) -> PBBallot | None:
    if not isinstance(viewer, User):
        return None
    return PBBallot.objects.filter(round=round_, voter=viewer).prefetch_related("proposals").first()


def ballot_count(round_: Round) -> int:
    return PBBallot.objects.filter(round=round_).count()


@dataclass(frozen=True)
class ResultRow:
    id: str
    title: str
    votes: int
    cost_pence: int
    funded: bool
    why: str
    grant_url: str


def result_rows(round_: Round) -> list[ResultRow]:
    """Every project of a counted round with the reason it was or was not funded; no queries
    (everything is in `Round.result`)."""
    result: dict[str, Any] = round_.result or {}
    projects = result.get("projects", [])
    titles = {p["id"]: p.get("title", "") for p in projects}
    grants: dict[str, int] = result.get("grants", {})
    return [
        ResultRow(
            id=p["id"],
            title=p.get("title", ""),
            votes=int(p.get("votes", 0)),
            cost_pence=int(p.get("cost_pence", 0)),
            funded=bool(p.get("funded")),
            why=explain(p, titles),
            grant_url=Grant(pk=grants[p["id"]]).get_absolute_url() if p["id"] in grants else "",
        )
        for p in projects
    ]
