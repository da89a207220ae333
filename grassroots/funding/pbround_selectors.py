"""Reads for participatory-budgeting rounds, shaped once so each page's query count stays the
same whatever the number of proposals and ballots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.funding.models import Fund, Grant, PBBallot, Proposal, ProposalStatus, Round
from grassroots.funding.pbround_explain import explain


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


def proposals_seen_by(viewer: Viewer, round_: Round, *, checker: bool) -> list[Proposal]:
    """Proposals on the round's page: those on the ballot for everyone; the partnership also
    sees those waiting or refused; a proposer sees their own, with the reason if refused."""
    rows = Proposal.objects.filter(round=round_).exclude(status=ProposalStatus.WITHDRAWN)
    if not checker:
        mine = Q(proposer=viewer) if isinstance(viewer, User) else Q(pk__in=[])
        rows = rows.filter(Q(status=ProposalStatus.ELIGIBLE) | mine)
    proposals = list(rows.select_related("initiative", "group").order_by("title", "pk"))
    for p in proposals:
        p.round = round_
    return proposals


def waiting(round_: Round) -> list[Proposal]:
    """The eligibility queue: every proposal, those still waiting first."""
    proposals = list(
        Proposal.objects.filter(round=round_)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .select_related("proposer", "initiative", "group")
        .order_by("checked_at", "pk")
    )
    proposals.sort(key=lambda p: p.status != ProposalStatus.SUBMITTED)
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
