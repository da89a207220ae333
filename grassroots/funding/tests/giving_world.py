"""Test data for the report, the grant pages and the 360Giving export: a fund with grants at
every stage, money moved on chosen days through `ledger` (never through the grants helper's
services), one grant to a safeguarded initiative and one with no plan priority."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from freezegun import freeze_time

from grassroots.funding import ledger
from grassroots.funding.models import (
    Application,
    Declaration,
    Grant,
    GrantStatus,
    Motion,
    MotionKind,
    MotionOutcome,
    MotionVote,
    PlanLine,
    Proposal,
    ProposalStatus,
    Round,
    RoundRule,
    VoteChoice,
)
from grassroots.funding.tests.factories import Area, make_area
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory

SECRET_TITLE = "Safe Haven Refuge Circle"
SECRET_SLUG = "private-k3q9zt"


def on(day: str) -> Any:
    """Run ledger calls as if on `day` (noon, London time)."""
    return freeze_time(f"{day} 12:00:00")


def grant_to(
    area: Area,
    amount_pence: int,
    *,
    title: str,
    initiative: Initiative | None = None,
    line: PlanLine | None = None,
    linked: bool = True,
    day: str = "2024-06-01",
) -> Grant:
    """An approved application (from `initiative`, or a new group) and its grant, committed on
    `day`."""
    group = None if initiative is not None else GroupFactory(council=area.council)
    if group is not None:
        group.wards.add(area.wards[0])
    line = line or area.line
    application = Application.objects.create(
        fund=area.fund,
        initiative=initiative,
        group=group,
        plan_line=line,
        title=title,
        outcomes=f"What {title} will achieve.",
        amount_pence=amount_pence,
        status="approved",
        submitted_by=area.chair,
    )
    grant = Grant.objects.create(
        fund=area.fund,
        application=application,
        title=title,
        initiative=initiative,
        group=group,
        plan_line=line if linked else None,
        awarded_on=datetime.date.fromisoformat(day),
    )
    with on(day):
        ledger.commit(grant, amount_pence, actor=area.treasurer)
    return grant


def decide(grant: Grant, area: Area, *, interest: str = "My sister runs it") -> Motion:
    """The motion that approved `grant`: five for, one against, one abstaining, and the last
    member declared an interest and did not vote."""
    assert grant.application is not None
    members = area.members
    motion = Motion.objects.create(
        application=grant.application,
        kind=MotionKind.APPROVE,
        amount_pence=grant.application.amount_pence,
        reasons="It fits the green spaces priority.",
        proposed_by=members[0],
        closed_at=timezone.now(),
        outcome=MotionOutcome.PASSED,
    )
    choices = [VoteChoice.FOR] * 5 + [VoteChoice.AGAINST, VoteChoice.ABSTAIN]
    for member, choice in zip(members, choices, strict=False):
        MotionVote.objects.create(motion=motion, membership=member, choice=choice)
    Declaration.objects.create(
        application=grant.application, membership=members[7], interest=interest
    )
    return motion


@dataclass
class GivingWorld:
    area: Area
    park: Grant  # a group's, part paid (year 1 commit, year 2 payment)
    youth: Grant  # a public initiative's, under the second priority
    refuge: Grant  # a safeguarded initiative's, part paid
    closed: Grant  # paid, some returned, the rest released, closed
    unlinked: Grant  # no plan priority


def build_world() -> GivingWorld:
    area = make_area(total_pence=100_000_00)
    second = area.plan.lines.get(ref="young-people")
    park = grant_to(area, 4_000_00, title="Pocket park", day="2024-06-01")
    with on("2025-05-10"):
        ledger.pay(park, 1_500_00, actor=area.treasurer)
    youth_initiative = InitiativeFactory(
        title="Youth club nights", slug="youth-club-nights", wards=[area.wards[0]]
    )
    youth = grant_to(
        area,
        2_000_00,
        title="Youth club",
        initiative=youth_initiative,
        line=second,
        day="2024-09-01",
    )
    refuge_initiative = InitiativeFactory(
        title=SECRET_TITLE,
        slug=SECRET_SLUG,
        visibility=Visibility.SAFEGUARDED,
        wards=[area.wards[0]],
    )
    refuge = grant_to(
        area,
        1_000_00,
        title="=Refuge support sessions",
        initiative=refuge_initiative,
        day="2025-01-15",
    )
    with on("2025-02-01"):
        ledger.pay(refuge, 300_00, actor=area.treasurer)
    closed = grant_to(area, 3_000_00, title="Summer festival", line=second, day="2024-05-01")
    with on("2024-08-01"):
        ledger.pay(closed, 2_000_00, actor=area.treasurer)
    with on("2025-04-02"):
        ledger.take_back(closed, 500_00, actor=area.treasurer)
        ledger.release(closed, actor=area.treasurer)
    Grant.objects.filter(pk=closed.pk).update(
        status=GrantStatus.CLOSED, closed_at=timezone.make_aware(datetime.datetime(2025, 4, 2))
    )
    closed.refresh_from_db()
    unlinked = grant_to(area, 700_00, title="Emergency repairs", linked=False, day="2026-01-05")
    return GivingWorld(
        area=area, park=park, youth=youth, refuge=refuge, closed=closed, unlinked=unlinked
    )


def park_group(world: GivingWorld) -> Group:
    assert world.park.group is not None
    return world.park.group


def pb_grant(area: Area, amount_pence: int = 900_00) -> Grant:
    """A grant for a project residents chose in a participatory-budgeting round, proposed by a
    resident with no group or initiative behind it."""
    now = timezone.now()
    round_ = Round.objects.create(
        fund=area.fund,
        title="Spring vote",
        budget_pence=10_000_00,
        proposals_open=now,
        proposals_close=now,
        voting_opens=now,
        voting_closes=now,
        rule=RoundRule.GREEDY,
    )
    proposal = Proposal.objects.create(
        round=round_,
        title="Benches by the canal",
        description="Three benches along the towpath.",
        cost_pence=amount_pence,
        proposer=area.chair,
        status=ProposalStatus.ELIGIBLE,
    )
    grant = Grant.objects.create(
        fund=area.fund,
        proposal=proposal,
        title=proposal.title,
        plan_line=area.line,
        awarded_on=datetime.date(2025, 6, 1),
    )
    ledger.commit(grant, amount_pence, actor=None)
    return grant
