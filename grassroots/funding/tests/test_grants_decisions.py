"""Applying, declaring, deciding: the services' rules and what they record."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.funding import ledger
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    BudgetLine,
    Declaration,
    Entry,
    Grant,
    MemberRole,
    Membership,
    Motion,
    MotionKind,
    MotionOutcome,
    MotionVote,
    VoteChoice,
)
from grassroots.funding.services.applications import (
    Cost,
    application_submit,
    application_withdraw,
    interest_declare,
)
from grassroots.funding.services.decisions import motion_close, motion_propose, motion_vote
from grassroots.funding.tests.factories import make_area
from grassroots.funding.tests.grants_factories import (
    decide,
    lead_of,
    make_application,
    make_group,
    make_initiative,
    vote,
    voters,
)
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.tests.factories import MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db


def _initiative(application: Application) -> Initiative:
    assert application.initiative is not None
    return application.initiative


def _told_applicant(application: Application) -> QuerySet[Notification]:
    """What the applicant's lead has been told (the members hear of new applications too)."""
    return Notification.objects.filter(
        kind=Kind.FUNDING, recipient=lead_of(_initiative(application))
    )


def test_an_application_asks_for_the_sum_of_its_budget_lines() -> None:
    area = make_area()
    application = make_application(area, costs=(150_050, 49_950))
    assert application.amount_pence == 200_000
    assert list(application.budget_lines.values_list("amount_pence", flat=True)) == [
        150_050,
        49_950,
    ]
    assert AuditEntry.objects.filter(action="funding.application_submit").count() == 1


def test_a_group_organiser_applies_too() -> None:
    area = make_area()
    group = make_group(area)
    application = make_application(area, applicant=group)
    assert application.group == group
    assert application.initiative is None


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        ((), "at least one line"),
        ((0,), "more than £0"),
        ((-500,), "more than £0"),
        ((60_000_000, 50_000_000), "only £1,000,000 available"),
    ],
)
def test_bad_budgets_are_refused_and_nothing_is_saved(costs: tuple[int, ...], message: str) -> None:
    area = make_area()
    with pytest.raises(ServiceError, match=message):
        make_application(area, costs=costs)
    assert not Application.objects.exists()
    assert not BudgetLine.objects.exists()


def test_the_priority_must_be_a_line_of_the_current_plan() -> None:
    area = make_area()
    other = make_area()
    initiative = make_initiative(area)
    with pytest.raises(ServiceError, match="current plan"):
        application_submit(
            actor=lead_of(initiative),
            fund=area.fund,
            applicant=initiative,
            plan_line=other.line,
            title="Planters",
            outcomes="Greener streets.",
            budget=[Cost("Planters", 100)],
        )


def test_only_leads_and_organisers_apply() -> None:
    area = make_area()
    initiative = make_initiative(area)
    member = MembershipFactory(initiative=initiative).user
    for actor in (member, make_resident(), area.chair):
        with pytest.raises(PermissionDenied):
            application_submit(
                actor=actor,
                fund=area.fund,
                applicant=initiative,
                plan_line=area.line,
                title="Planters",
                outcomes="Greener streets.",
                budget=[Cost("Planters", 100)],
            )


def test_the_applicant_withdraws_before_a_decision_only() -> None:
    area = make_area()
    application = make_application(area)
    with pytest.raises(PermissionDenied):
        application_withdraw(actor=area.chair, application=application)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    application_withdraw(actor=lead_of(_initiative(application)), application=application)
    assert application.status == ApplicationStatus.WITHDRAWN
    motion.refresh_from_db()
    assert motion.outcome == MotionOutcome.FAILED
    with pytest.raises(ServiceError, match="already been decided or withdrawn"):
        application_withdraw(actor=lead_of(_initiative(application)), application=application)


def test_a_passed_approval_creates_the_grant_and_commits_its_money() -> None:
    area = make_area()
    application = make_application(area, costs=(300_000,))
    motion = decide(area, application)
    application.refresh_from_db()
    assert motion.outcome == MotionOutcome.PASSED
    assert application.status == ApplicationStatus.APPROVED
    grant = application.grant
    assert ledger.grant_balances(grant).committed_pence == 300_000
    assert ledger.fund_balances(area.fund).available_pence == 100_000_000 - 300_000
    assert grant.initiative == application.initiative
    assert grant.plan_line == area.line
    notice = _told_applicant(application).get()
    assert "approved £3,000" in notice.text


def test_approving_a_lower_amount_needs_reasons() -> None:
    area = make_area()
    application = make_application(area, costs=(300_000,))
    with pytest.raises(ServiceError, match="reasons for approving a lower"):
        motion_propose(
            actor=area.chair, application=application, kind=MotionKind.APPROVE, amount_pence=1000
        )
    with pytest.raises(ServiceError, match="cannot be more than"):
        motion_propose(
            actor=area.chair,
            application=application,
            kind=MotionKind.APPROVE,
            amount_pence=300_001,
        )
    decide(area, application, amount_pence=200_000, reasons="The hire costs less in winter.")
    application.refresh_from_db()
    assert ledger.grant_balances(application.grant).committed_pence == 200_000
    assert "£2,000 of £3,000" in _told_applicant(application).get().text


def test_a_passed_decline_declines_with_reasons() -> None:
    area = make_area()
    application = make_application(area)
    with pytest.raises(ServiceError, match="reasons for declining"):
        motion_propose(actor=area.chair, application=application, kind=MotionKind.DECLINE)
    decide(area, application, kind=MotionKind.DECLINE, reasons="Another fund pays for this.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert not Grant.objects.exists()
    assert "declined" in _told_applicant(application).get().text


def test_a_failed_motion_leaves_the_application_waiting_for_another() -> None:
    area = make_area()
    application = make_application(area)
    motion = decide(area, application, choice=VoteChoice.AGAINST)
    application.refresh_from_db()
    assert motion.outcome == MotionOutcome.FAILED
    assert application.status == ApplicationStatus.SUBMITTED
    assert not _told_applicant(application).exists()
    decide(area, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_a_tie_does_not_pass() -> None:
    area = make_area()
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    members = voters(area, 6)
    vote(motion, members[:3], VoteChoice.FOR)
    vote(motion, members[3:], VoteChoice.AGAINST)
    assert motion_close(actor=area.chair, motion=motion).outcome == MotionOutcome.FAILED


def test_one_motion_open_at_a_time_and_one_vote_each() -> None:
    area = make_area()
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    with pytest.raises(ServiceError, match="already open"):
        motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    member = area.members[3]
    motion_vote(actor=member.user, motion=motion, choice=VoteChoice.FOR)
    motion_vote(actor=member.user, motion=motion, choice=VoteChoice.AGAINST)
    assert list(MotionVote.objects.values_list("choice", flat=True)) == [VoteChoice.AGAINST]


def test_no_decision_without_standing_or_quorum_and_nothing_changes() -> None:
    area = make_area()
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    vote(motion, voters(area, 3), VoteChoice.FOR)
    with pytest.raises(ServiceError, match="no quorum"):
        motion_close(actor=area.chair, motion=motion)
    vote(motion, [m for m in area.members if not m.is_resident], VoteChoice.FOR)
    # 5 present now, 3 residents: still a quorum (4 of 8) with a resident majority.
    Membership.objects.filter(pk=area.members[-1].pk).update(left_on=area.members[-1].joined_on)
    # 7 members: below the rule of 8, so the partnership may not decide at all.
    with pytest.raises(ServiceError, match="cannot decide until it meets the rules"):
        motion_close(actor=area.chair, motion=motion)
    motion.refresh_from_db()
    assert motion.is_open
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Entry.objects.filter(grant__isnull=False).exists()


def test_residents_must_be_the_majority_of_those_voting() -> None:
    area = make_area(residents=4, others=4)
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    vote(motion, [m for m in area.members if not m.is_resident], VoteChoice.FOR)
    vote(motion, [m for m in area.members if m.is_resident][:2], VoteChoice.FOR)
    with pytest.raises(ServiceError, match="Residents must be the majority"):
        motion_close(actor=area.chair, motion=motion)


def test_an_approval_the_fund_cannot_cover_records_nothing() -> None:
    area = make_area(total_pence=1_000_000)
    first = make_application(area, costs=(700_000,))
    second = make_application(area, costs=(600_000,))
    decide(area, first)
    motion = motion_propose(actor=area.chair, application=second, kind=MotionKind.APPROVE)
    vote(motion, voters(area), VoteChoice.FOR)
    audits = AuditEntry.objects.count()
    with pytest.raises(ServiceError, match="£3,000 left"):
        motion_close(actor=area.chair, motion=motion)
    motion.refresh_from_db()
    second.refresh_from_db()
    assert motion.is_open
    assert second.status == ApplicationStatus.SUBMITTED
    assert Grant.objects.count() == 1
    assert AuditEntry.objects.count() == audits
    assert ledger.fund_balances(area.fund).available_pence == 300_000


def test_a_declared_member_cannot_vote_and_their_open_vote_is_taken_out() -> None:
    area = make_area()
    application = make_application(area)
    member = area.members[4]
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    motion_vote(actor=member.user, motion=motion, choice=VoteChoice.FOR)
    interest_declare(actor=member.user, application=application, interest="My sister leads it.")
    assert not MotionVote.objects.filter(membership=member).exists()
    with pytest.raises(PermissionDenied):
        motion_vote(actor=member.user, motion=motion, choice=VoteChoice.FOR)
    with pytest.raises(PermissionDenied):
        motion_propose(actor=member.user, application=application, kind=MotionKind.DECLINE)
    with pytest.raises(ServiceError, match="already declared"):
        interest_declare(actor=member.user, application=application, interest="Again.")
    with pytest.raises(ServiceError, match="Describe the interest"):
        interest_declare(actor=area.members[5].user, application=application, interest="  ")
    assert Declaration.objects.count() == 1


def test_only_current_members_declare_and_vote_and_only_the_chair_closes() -> None:
    area = make_area()
    other = make_area()
    application = make_application(area)
    motion = motion_propose(actor=area.chair, application=application, kind=MotionKind.APPROVE)
    former = area.members[6]
    Membership.objects.filter(pk=former.pk).update(left_on=former.joined_on)
    outsiders = [make_resident(), other.chair, lead_of(_initiative(application)), former.user]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            interest_declare(actor=outsider, application=application, interest="x")
        with pytest.raises(PermissionDenied):
            motion_vote(actor=outsider, motion=motion, choice=VoteChoice.FOR)
        with pytest.raises(PermissionDenied):
            motion_close(actor=outsider, motion=motion)
    vote(motion, voters(area), VoteChoice.FOR)
    treasurer = area.member(MemberRole.TREASURER).user
    with pytest.raises(PermissionDenied):
        motion_close(actor=treasurer, motion=motion)


def test_a_closed_motion_is_never_changed() -> None:
    area = make_area()
    application = make_application(area)
    motion = decide(area, application, choice=VoteChoice.AGAINST)
    with pytest.raises(ServiceError, match="already been closed"):
        motion_close(actor=area.chair, motion=motion)
    with pytest.raises(ServiceError, match="Voting on this motion has closed"):
        motion_vote(actor=area.members[7].user, motion=motion, choice=VoteChoice.FOR)
    decide(area, application)
    application.refresh_from_db()
    with pytest.raises(ServiceError, match="already been decided"):
        motion_propose(
            actor=area.chair, application=application, kind=MotionKind.DECLINE, reasons="Late."
        )
    with pytest.raises(ServiceError, match="already been decided"):
        interest_declare(actor=area.members[7].user, application=application, interest="Late.")
    assert Motion.objects.filter(closed_at__isnull=True).count() == 0


def test_every_step_is_audited() -> None:
    area = make_area()
    application = make_application(area)
    interest_declare(actor=area.members[7].user, application=application, interest="A friend.")
    decide(area, application)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "funding.application_submit",
        "funding.interest_declare",
        "funding.motion_propose",
        "funding.motion_vote",
        "funding.motion_close",
    } <= actions
