"""Test data for applications, decisions and grants, made through the services as on the
site."""

from __future__ import annotations

from grassroots.accounts.models import User
from grassroots.funding.models import (
    Application,
    Grant,
    Membership,
    Motion,
    MotionKind,
    VoteChoice,
)
from grassroots.funding.services.applications import Cost, application_submit
from grassroots.funding.services.decisions import motion_close, motion_propose, motion_vote
from grassroots.funding.tests.factories import Area
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory


def make_initiative(area: Area, *, safeguarded: bool = False) -> Initiative:
    initiative: Initiative = InitiativeFactory(
        wards=area.wards,
        visibility=Visibility.SAFEGUARDED if safeguarded else Visibility.PUBLIC,
    )
    return initiative


def make_group(area: Area) -> Group:
    group: Group = GroupFactory(council=area.council)
    group.wards.add(*area.wards)
    return group


def lead_of(applicant: Initiative | Group) -> User:
    assert applicant.created_by is not None
    return applicant.created_by


def make_application(
    area: Area,
    *,
    costs: tuple[int, ...] = (200_000, 100_000),
    applicant: Initiative | Group | None = None,
    safeguarded: bool = False,
    title: str = "Planters for Mill Lane",
) -> Application:
    applicant = applicant or make_initiative(area, safeguarded=safeguarded)
    return application_submit(
        actor=lead_of(applicant),
        fund=area.fund,
        applicant=applicant,
        plan_line=area.line,
        title=title,
        outcomes="Greener streets that neighbours look after.",
        budget=[Cost(item=f"Item {n}", amount_pence=c) for n, c in enumerate(costs, 1)],
    )


def voters(area: Area, count: int = 5) -> list[Membership]:
    """`count` current members, residents first (the chair and treasurer among them)."""
    return sorted(area.members, key=lambda m: (not m.is_resident, m.pk))[:count]


def vote(motion: Motion, members: list[Membership], choice: VoteChoice) -> None:
    for membership in members:
        motion_vote(actor=membership.user, motion=motion, choice=choice)


def decide(
    area: Area,
    application: Application,
    *,
    kind: MotionKind = MotionKind.APPROVE,
    amount_pence: int | None = None,
    reasons: str = "",
    choice: VoteChoice = VoteChoice.FOR,
) -> Motion:
    """The chair proposes, five residents vote `choice`, the chair closes."""
    motion = motion_propose(
        actor=area.chair,
        application=application,
        kind=kind,
        amount_pence=amount_pence,
        reasons=reasons or ("" if kind == MotionKind.APPROVE else "Outside the plan."),
    )
    vote(motion, voters(area), choice)
    return motion_close(actor=area.chair, motion=motion)


def approved_grant(area: Area, costs: tuple[int, ...] = (200_000, 100_000)) -> Grant:
    application = make_application(area, costs=costs)
    decide(area, application)
    application.refresh_from_db()
    return application.grant
