"""Reads for applications, decisions and a grant's money, each shaped once so a page costs a
fixed number of queries whatever the number of lines, votes or transactions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.events.models import Event
from grassroots.funding import constitution, ledger
from grassroots.funding.models import (
    Account,
    Application,
    Declaration,
    Fund,
    Grant,
    Membership,
    Motion,
    MotionVote,
    PlanLine,
    Transaction,
    VoteChoice,
)
from grassroots.funding.services.applications import current_plan
from grassroots.funding.visibility import visible_applications
from grassroots.groups.models import Group
from grassroots.groups.selectors import organised_by
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus


def application_for(viewer: Viewer, pk: int) -> Application | None:
    """The application, if `viewer` may see it, with what its page shows. The query narrows
    it down; the rule (`funding.see_application`) has the last word."""
    application = (
        visible_applications(viewer, Application.objects.filter(pk=pk))
        .select_related(
            "fund__partnership__group",
            "plan_line__revision",
            "initiative",
            "group",
            "submitted_by",
        )
        .prefetch_related(
            "budget_lines",
            Prefetch(
                "declarations",
                queryset=Declaration.objects.select_related("membership__user"),
            ),
            Prefetch(
                "motions",
                queryset=Motion.objects.select_related(
                    "proposed_by__user", "meeting", "closed_by"
                ).prefetch_related(
                    Prefetch(
                        "votes", queryset=MotionVote.objects.select_related("membership__user")
                    )
                ),
            ),
        )
        .first()
    )
    if application is None or not viewer.has_perm("funding.see_application", application):
        return None
    return application


@dataclass
class MotionView:
    motion: Motion
    votes_for: list[MotionVote] = field(default_factory=list)
    against: list[MotionVote] = field(default_factory=list)
    abstain: list[MotionVote] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return len(self.votes_for) > len(self.against)


def motion_views(application: Application) -> list[MotionView]:
    views = []
    for motion in application.motions.all():
        view = MotionView(motion=motion)
        for vote in motion.votes.all():
            {
                VoteChoice.FOR: view.votes_for,
                VoteChoice.AGAINST: view.against,
                VoteChoice.ABSTAIN: view.abstain,
            }[VoteChoice(vote.choice)].append(vote)
        views.append(view)
    return views


def current_members(fund: Fund) -> list[Membership]:
    return list(
        Membership.objects.filter(partnership_id=fund.partnership_id, left_on__isnull=True)
        .select_related("user")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Deciding:
    """What the decision panel shows a member: whether the partnership may decide and, for
    the open motion, whether those who voted make a quorum."""

    standing: constitution.Standing
    quorum: constitution.Quorum | None


def deciding(application: Application, open_motion: Motion | None) -> Deciding:
    members = current_members(application.fund)
    standing = constitution.standing(members)
    quorum = None
    if open_motion is not None:
        quorum = constitution.quorum(
            application.fund.partnership,
            members,
            [v.membership for v in open_motion.votes.all()],
        )
    return Deciding(standing=standing, quorum=quorum)


def meetings(application: Application) -> QuerySet[Event]:
    """The partnership's meetings a motion may name: its group's events since the application
    was made."""
    return Event.objects.filter(
        group_id=application.fund.partnership.group_id,
        starts_at__gte=application.submitted_at - datetime.timedelta(days=1),
    ).order_by("starts_at", "pk")


def plan_lines(fund: Fund) -> list[PlanLine]:
    plan = current_plan(fund)
    if plan is None:
        return []
    return list(plan.lines.order_by("position", "pk"))


def applicants_for(viewer: Viewer) -> tuple[list[Initiative], list[Group]]:
    """What `viewer` may apply for: initiatives they lead and groups they organise."""
    if not isinstance(viewer, User):
        return [], []
    initiatives = [
        initiative
        for initiative in Initiative.objects.filter(
            memberships__user=viewer,
            memberships__role=MemberRole.LEAD,
            memberships__status=MembershipStatus.APPROVED,
        ).order_by("title", "pk")
        if viewer.has_perm("funding.apply", initiative)
    ]
    return initiatives, list(organised_by(viewer))


def fund_applications(viewer: Viewer, fund: Fund) -> list[Application]:
    """The fund's applications `viewer` may see (the rule has the last word, as on the page)."""
    return [
        application
        for application in visible_applications(viewer, fund.applications.all())
        .select_related("fund__partnership", "initiative", "group", "plan_line")
        .order_by("-submitted_at", "-pk")
        if viewer.has_perm("funding.see_application", application)
    ]


@dataclass(frozen=True)
class Line:
    """One transaction on a grant's money page, with the grant's balances after it."""

    record: Transaction
    committed_change: int
    paid_change: int
    returned_change: int  # positive: money came back
    committed: int
    paid: int
    returned: int
    corrected: bool


def grant_for(pk: int) -> Grant | None:
    return (
        Grant.objects.filter(pk=pk)
        .select_related("fund__partnership", "application", "initiative", "group", "plan_line")
        .first()
    )


def grant_lines(grant: Grant) -> list[Line]:
    """Every transaction of the grant, oldest first, with running balances (two queries)."""
    records = list(
        Transaction.objects.filter(grant=grant)
        .select_related("created_by", "reverses")
        .prefetch_related("entries")
        .order_by("created_at", "pk")
    )
    reversed_ids = {r.reverses_id for r in records if r.reverses_id is not None}
    committed = paid = returned = 0
    lines = []
    for record in records:
        change = {Account.COMMITTED: 0, Account.PAID: 0, Account.RETURNED: 0}
        for entry in record.entries.all():
            if entry.grant_id == grant.pk and entry.account in change:
                change[Account(entry.account)] += entry.amount_pence
        committed += change[Account.COMMITTED]
        paid += change[Account.PAID]
        returned -= change[Account.RETURNED]
        lines.append(
            Line(
                record=record,
                committed_change=change[Account.COMMITTED],
                paid_change=change[Account.PAID],
                returned_change=-change[Account.RETURNED],
                committed=committed,
                paid=paid,
                returned=returned,
                corrected=record.pk in reversed_ids,
            )
        )
    return lines


def grant_totals(grant: Grant) -> ledger.GrantBalances:
    return ledger.grant_balances(grant)
