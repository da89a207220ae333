"""Writes for participatory-budgeting rounds: opening a round, proposals (their eligibility
check, and their withdrawal), residents' ballots, and the count that turns funded proposals into
grants.

Each function checks its permission (rules.py) with `require` first, then what the round's
phase allows (a `ServiceError` written for the person), works in one transaction and writes
the audit log with `{"round": pk}` in its data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.funding import ledger, pb
from grassroots.funding.constitution import standing
from grassroots.funding.models import (
    Completion,
    CountState,
    Fund,
    Grant,
    GreedyVariant,
    Membership,
    PBBallot,
    PlanLine,
    Proposal,
    ProposalStatus,
    Round,
    RoundPhase,
    RoundRule,
    Utility,
)
from grassroots.funding.money import pounds
from grassroots.funding.pbround_count import figures_of, run_rule, votes_of
from grassroots.funding.services.applications import current_plan
from grassroots.groups.models import Group
from grassroots.groups.selectors import organised_by
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus, Visibility

MAX_TITLE = 150
MAX_DESCRIPTION = 5000


def _audit(actor: Actor, action: str, obj: Any, round_: Round, summary: str, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"funding.{action}",
        obj=obj,
        summary=summary,
        data={"round": round_.pk, **data},
    )


def may_decide(fund: Fund) -> None:
    """Refuse (`ServiceError`) unless the fund's partnership meets the rules and may decide."""
    current = list(Membership.objects.filter(partnership_id=fund.partnership_id, left_on=None))
    problems = standing(current).problems
    if problems:
        raise ServiceError(
            _("The partnership cannot decide until it meets the rules: %(problems)s")
            % {"problems": " ".join(problems)}
        )


# --- Rounds -------------------------------------------------------------------------------------


def check_rule(
    *, rule: str, greedy_variant: str, min_votes: int, utility: str, completion: str
) -> None:
    """The rule's settings make sense together (the form says the same beside each box)."""
    if rule not in RoundRule.values:
        raise ServiceError(_("Choose how the votes are counted"))
    if greedy_variant not in GreedyVariant.values or utility not in Utility.values:
        raise ServiceError(_("Choose how the votes are counted"))
    if completion not in Completion.values:
        raise ServiceError(_("Choose how the votes are counted"))
    if min_votes < 0:
        raise ServiceError(_("The fewest votes a project needs cannot be less than 0"))
    if rule == RoundRule.GREEDY and completion != Completion.NONE:
        raise ServiceError(_("The add-one completion only applies to the Method of Equal Shares"))
    if rule == RoundRule.MES and min_votes:
        raise ServiceError(_("A minimum number of votes only applies to most votes first"))


def round_create(
    *,
    actor: Actor,
    fund: Fund,
    title: str,
    description: str = "",
    budget_pence: int,
    proposals_open: datetime.datetime,
    proposals_close: datetime.datetime,
    voting_opens: datetime.datetime,
    voting_closes: datetime.datetime,
    rule: str,
    greedy_variant: str = GreedyVariant.SKIP,
    min_votes: int = 0,
    utility: str = Utility.COST,
    completion: str = Completion.NONE,
    ballot_limit_pence: int | None = None,
    plan_line: PlanLine | None = None,
) -> Round:
    """Hand `budget_pence` of the fund to the area's residents. The money is committed only
    when the votes are counted, grant by grant; the budget may not exceed what the fund has
    available today. `plan_line` is the priority of the fund's current plan the round serves
    (the grants it makes count under it); it may be left out only while the fund has no
    plan."""
    require(actor, "funding.create_round", fund)
    title = clean_text(
        title,
        max_length=MAX_TITLE,
        empty=_("Enter the round's title"),
        too_long=_("The title must be 150 characters or fewer"),
    )
    description = (description or "").strip()[:MAX_DESCRIPTION]
    if not (proposals_open < proposals_close < voting_opens < voting_closes):
        raise ServiceError(
            _(
                "The dates must come in order: proposals open, proposals close, voting opens, "
                "voting closes"
            )
        )
    check_rule(
        rule=rule,
        greedy_variant=greedy_variant,
        min_votes=min_votes,
        utility=utility,
        completion=completion,
    )
    if budget_pence <= 0:
        raise ServiceError(_("Enter a budget of more than £0"))
    if ballot_limit_pence is not None and not 0 < ballot_limit_pence <= budget_pence:
        raise ServiceError(
            _("The spending limit per ballot must be more than £0 and no more than the budget")
        )
    with transaction.atomic():
        Fund.objects.select_for_update().get(pk=fund.pk)
        may_decide(fund)
        plan = current_plan(fund)
        if plan is None:
            if plan_line is not None:
                raise ServiceError(_("This fund has no plan yet: leave the priority out"))
        elif plan_line is None or plan_line.revision_id != plan.pk:
            raise ServiceError(_("Choose one of the priorities of the fund's current plan"))
        available = ledger.fund_balances(fund).available_pence
        if budget_pence > available:
            raise ServiceError(
                _("The budget is more than the fund has available: it has %(left)s.")
                % {"left": pounds(available)}
            )
        round_ = Round.objects.create(
            fund=fund,
            title=title,
            description=description,
            budget_pence=budget_pence,
            proposals_open=proposals_open,
            proposals_close=proposals_close,
            voting_opens=voting_opens,
            voting_closes=voting_closes,
            rule=rule,
            greedy_variant=greedy_variant,
            min_votes=min_votes,
            utility=utility,
            completion=completion,
            ballot_limit_pence=ballot_limit_pence,
            plan_line=plan_line,
            created_by=actor,
        )
        _audit(
            actor,
            "round_create",
            round_,
            round_,
            f"Opened the round “{title}” with a budget of {pounds(budget_pence)}",
        )
    return round_


# --- Proposals ----------------------------------------------------------------------------------


def led_initiatives(actor: Actor) -> list[Initiative]:
    """The public initiatives `actor` leads (a proposal may be made on behalf of one). A
    safeguarded initiative is never named on a public ballot."""
    return list(
        Initiative.objects.filter(
            memberships__user=actor,
            memberships__status=MembershipStatus.APPROVED,
            memberships__role=MemberRole.LEAD,
            visibility=Visibility.PUBLIC,
            hidden_at__isnull=True,
        )
        .distinct()
        .order_by("title", "pk")
    )


def organised_groups(actor: Actor) -> list[Group]:
    return list(organised_by(actor))


def proposal_create(
    *,
    actor: Actor,
    round_: Round,
    title: str,
    description: str,
    cost_pence: int,
    initiative: Initiative | None = None,
    group: Group | None = None,
) -> Proposal:
    """A resident proposes a costed project while proposals are open."""
    require(actor, "funding.propose_project", round_)
    if round_.phase != RoundPhase.PROPOSALS:
        raise ServiceError(_("This round is not taking proposals"))
    title = clean_text(
        title,
        max_length=MAX_TITLE,
        empty=_("Enter the project's name"),
        too_long=_("The project's name must be 150 characters or fewer"),
    )
    description = clean_text(
        description,
        max_length=MAX_DESCRIPTION,
        empty=_("Say what the project is"),
        too_long=_("What the project is must be 5,000 characters or fewer"),
    )
    if cost_pence <= 0:
        raise ServiceError(_("Enter a cost of more than £0"))
    if cost_pence > round_.budget_pence:
        raise ServiceError(
            _("The cost must be no more than the round's budget of %(budget)s")
            % {"budget": pounds(round_.budget_pence)}
        )
    if initiative is not None and group is not None:
        raise ServiceError(_("Choose an initiative or a group, not both"))
    if initiative is not None and initiative.pk not in {i.pk for i in led_initiatives(actor)}:
        raise ServiceError(_("You can only propose on behalf of an initiative you lead"))
    if group is not None and group.pk not in {g.pk for g in organised_groups(actor)}:
        raise ServiceError(_("You can only propose on behalf of a group you organise"))
    with transaction.atomic():
        proposal = Proposal.objects.create(
            round=round_,
            title=title,
            description=description,
            cost_pence=cost_pence,
            proposer=actor,
            initiative=initiative,
            group=group,
        )
        _audit(
            actor,
            "proposal_create",
            proposal,
            round_,
            f"Proposed “{title}” costing {pounds(cost_pence)}",
        )
    return proposal


def proposal_check(
    *, actor: Actor, proposal: Proposal, eligible: bool, reason: str = ""
) -> Proposal:
    """A partnership member decides whether a proposal goes on the ballot; a proposal found not
    eligible carries the reason, shown to the proposer. It can be checked again (a mistake put
    right) until voting opens; the proposer is told each time."""
    round_ = proposal.round
    require(actor, "funding.check_proposal", proposal)
    if round_.phase not in (RoundPhase.PROPOSALS, RoundPhase.CHECKING):
        raise ServiceError(_("Proposals can only be checked before voting opens"))
    reason = (reason or "").strip()
    if not eligible:
        reason = clean_text(
            reason,
            max_length=MAX_DESCRIPTION,
            empty=_("Say why the proposal is not eligible"),
            too_long=_("The reason must be 5,000 characters or fewer"),
        )
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("round").get(pk=proposal.pk)
        if proposal.status == ProposalStatus.WITHDRAWN:
            raise ServiceError(_("This proposal has been withdrawn"))
        proposal.status = ProposalStatus.ELIGIBLE if eligible else ProposalStatus.INELIGIBLE
        proposal.eligibility_note = "" if eligible else reason
        proposal.checked_by = actor
        proposal.checked_at = timezone.now()
        proposal.save(update_fields=["status", "eligibility_note", "checked_by", "checked_at"])
        _audit(
            actor,
            "proposal_check",
            proposal,
            round_,
            f"Found “{proposal.title}” {'eligible' if eligible else 'not eligible'}",
            eligible=eligible,
        )
        if eligible:
            text = _("Your proposal “%(title)s” is on the ballot of %(round)s.")
        else:
            text = _("Your proposal “%(title)s” is not eligible for %(round)s: %(reason)s")
        notify(
            recipients=[proposal.proposer],
            kind=Kind.FUNDING,
            text=text % {"title": proposal.title, "round": round_.title, "reason": reason},
            url=round_.get_absolute_url(),
            exclude=actor,
            actor=actor,
        )
    return proposal


def proposal_withdraw(*, actor: Actor, proposal: Proposal) -> Proposal:
    """The proposer (or those acting for the initiative or group it was made for) takes a
    proposal back before voting opens. It is kept, marked withdrawn: never on the ballot and
    never counted. The proposer is told when somebody else withdrew it."""
    round_ = proposal.round
    require(actor, "funding.withdraw_proposal", proposal)
    if round_.phase not in (RoundPhase.PROPOSALS, RoundPhase.CHECKING):
        raise ServiceError(_("Voting has opened, so proposals can no longer be withdrawn"))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.round = round_
        if proposal.status == ProposalStatus.WITHDRAWN:
            raise ServiceError(_("This proposal has already been withdrawn"))
        was = proposal.status
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status"])
        _audit(
            actor,
            "proposal_withdraw",
            proposal,
            round_,
            f"Withdrew “{proposal.title}”",
            was=was,
        )
        notify(
            recipients=[proposal.proposer],
            kind=Kind.FUNDING,
            text=_("Your proposal “%(title)s” has been withdrawn from %(round)s.")
            % {"title": proposal.title, "round": round_.title},
            url=round_.get_absolute_url(),
            exclude=actor,
            actor=actor,
        )
    return proposal


# --- Ballots ------------------------------------------------------------------------------------


def ballot_cast(*, actor: Actor, round_: Round, proposal_ids: Iterable[int]) -> PBBallot:
    """Cast or change one's own approval ballot; it can be changed until voting closes."""
    require(actor, "funding.vote_in_round", round_)
    if round_.phase != RoundPhase.VOTING:
        raise ServiceError(_("Voting is not open in this round"))
    wanted = set(proposal_ids)
    if not wanted:
        raise ServiceError(_("Tick at least one project"))
    chosen = list(
        Proposal.objects.filter(round=round_, status=ProposalStatus.ELIGIBLE, pk__in=wanted)
    )
    if len(chosen) != len(wanted):
        raise ServiceError(_("Choose from the projects on the ballot"))
    total = sum(p.cost_pence for p in chosen)
    if round_.ballot_limit_pence is not None and total > round_.ballot_limit_pence:
        raise ServiceError(
            _(
                "The projects you ticked cost %(total)s together: you can choose up to "
                "%(limit)s. Untick some."
            )
            % {"total": pounds(total), "limit": pounds(round_.ballot_limit_pence)}
        )
    for attempt in range(2):
        try:
            with transaction.atomic():
                ballot = (
                    PBBallot.objects.select_for_update().filter(round=round_, voter=actor).first()
                )
                changed = ballot is not None
                if ballot is None:
                    ballot = PBBallot.objects.create(
                        round=round_, voter=actor, ward_id=actor.ward_id
                    )
                else:
                    ballot.ward_id = actor.ward_id
                    ballot.save(update_fields=["ward", "updated_at"])
                ballot.proposals.set(chosen)
                _audit(
                    actor,
                    "pb_ballot_change" if changed else "pb_ballot_cast",
                    ballot,
                    round_,
                    "Changed their ballot" if changed else "Cast a ballot",
                )
            return ballot
        except IntegrityError:
            # Two tabs cast a first ballot at once: the other one won; change it instead.
            if attempt:
                raise
    raise AssertionError("unreachable")


# --- Counting -----------------------------------------------------------------------------------


def round_data(round_: Round) -> tuple[dict[str, int], list[frozenset[str]], list[Proposal]]:
    """The eligible proposals as projects (id: cost) and every ballot as the set of project ids
    it approves; three queries, whatever the numbers."""
    proposals = list(
        Proposal.objects.filter(round=round_, status=ProposalStatus.ELIGIBLE).order_by("pk")
    )
    costs = {str(p.pk): p.cost_pence for p in proposals}
    approvals: dict[int, set[str]] = {}
    for ballot_id in PBBallot.objects.filter(round=round_).values_list("pk", flat=True):
        approvals[ballot_id] = set()
    through = PBBallot.proposals.through.objects.filter(pbballot__round=round_)
    for ballot_id, proposal_id in through.values_list("pbballot_id", "proposal_id"):
        project = str(proposal_id)
        if project in costs:
            approvals[ballot_id].add(project)
    return costs, [frozenset(a) for a in approvals.values()], proposals


def round_count(*, actor: Actor, round_: Round) -> Round:
    """Count the votes now, in this process, once voting has closed (the demo and tests; a page
    asks for a count with `services.pbround_counting.count_request` and a worker runs it). In
    one database transaction: the result is kept, and each funded proposal becomes a grant with
    its cost committed in the ledger; if the fund cannot cover them all, nothing is recorded."""
    require(actor, "funding.count_round", round_)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("fund").get(pk=round_.pk)
        _count_locked(actor, round_)
    return round_


def count_queued(round_id: int) -> str:
    """Run the count asked for on round `round_id`, as the person who asked (the task
    `funding.tasks.count_round` calls this). Idempotent: a round already counted, whose count
    failed, or that nobody asked to count is left alone. A refusal (`ServiceError`) records
    nothing but its message and time on the round, so the count can be asked for again.

    Returns what happened: "counted", "failed" or "nothing to do"."""
    try:
        with transaction.atomic():
            round_ = (
                Round.objects.select_for_update().select_related("fund").filter(pk=round_id).first()
            )
            if round_ is None or round_.count_state_at(timezone.now()) not in (
                CountState.QUEUED,
                CountState.STALLED,
            ):
                return "nothing to do"
            actor = round_.count_requested_by
            try:
                if actor is None or not actor.has_perm("funding.count_round", round_):
                    raise ServiceError(
                        _("The person who asked for the count may no longer count the votes")
                    )
                _count_locked(actor, round_)
            except ServiceError as error:
                _record_failure(round_id, error.message)
                return "failed"
    except Exception:
        # A fault rather than a refusal: say so on the page instead of "being counted" for ever,
        # and let the task fail with its traceback for the logs.
        _record_failure(
            round_id,
            _(
                "Something went wrong while counting, and nothing was recorded. Try again; if it "
                "happens again, tell the site's team."
            ),
        )
        raise
    return "counted"


def _record_failure(round_id: int, message: str) -> None:
    Round.objects.filter(pk=round_id, counted_at=None).update(
        count_failed_at=timezone.now(), count_error=message
    )


def _count_locked(actor: Actor, round_: Round) -> None:
    """The count itself, with `round_`'s row locked by the caller's transaction; everything it
    writes goes or stays together."""
    try:
        with transaction.atomic():
            if round_.counted_at is not None:
                raise ServiceError(_("The votes in this round have already been counted"))
            if round_.phase != RoundPhase.CLOSED:
                raise ServiceError(_("The votes can only be counted once voting has closed"))
            may_decide(round_.fund)
            costs, ballots, proposals = round_data(round_)
            try:
                outcome = run_rule(round_, costs, ballots)
            except pb.InvalidElection as error:  # pragma: no cover - the rows are checked
                raise ServiceError(
                    _("The votes could not be counted: %(problem)s") % {"problem": error}
                ) from error
            votes = votes_of(costs, ballots)
            by_id = {str(p.pk): p for p in proposals}
            today = timezone.localdate()
            grants: dict[str, int] = {}
            for project in outcome.funded:
                proposal = by_id[project]
                grant = Grant.objects.create(
                    fund=round_.fund,
                    proposal=proposal,
                    title=proposal.title,
                    initiative=proposal.initiative,
                    group=proposal.group,
                    plan_line_id=round_.plan_line_id,
                    awarded_on=today,
                )
                ledger.commit(
                    grant,
                    proposal.cost_pence,
                    actor=actor,
                    memo=f"Funded by the vote in {round_.title}"[:300],
                )
                grants[project] = grant.pk
            if sum(costs[p] for p in outcome.funded) > round_.budget_pence:  # pragma: no cover
                raise ServiceError(_("The count came to more than the budget: nothing recorded"))
            chosen = set(outcome.funded)
            round_.result = {
                "rule": round_.rule,
                "variant": round_.greedy_variant if round_.rule == RoundRule.GREEDY else "",
                "min_votes": round_.min_votes,
                "utility": round_.utility if round_.rule == RoundRule.MES else "",
                "completion": round_.completion,
                "budget_pence": round_.budget_pence,
                "ballots": len(ballots),
                "total_cost_pence": sum(costs[p] for p in outcome.funded),
                "funded": list(outcome.funded),
                "projects": [
                    {
                        "id": project,
                        "title": by_id[project].title,
                        "votes": votes[project],
                        "cost_pence": costs[project],
                        "funded": project in chosen,
                        "reason": outcome.explanations[project].reason.value,
                        "figures": figures_of(outcome.explanations[project]),
                    }
                    for project in sorted(costs, key=lambda p: (-votes[p], p))
                ],
                "grants": grants,
            }
            round_.counted_at = timezone.now()
            round_.save(update_fields=["result", "counted_at"])
            _audit(
                actor,
                "round_count",
                round_,
                round_,
                f"Counted {len(ballots)} ballots: {len(outcome.funded)} projects funded, "
                f"{pounds(round_.result['total_cost_pence'])} committed",
                funded=list(outcome.funded),
            )
    except ledger.LedgerError as error:
        raise ServiceError(
            _("The count was not recorded: %(problem)s") % {"problem": error.message}
        ) from error
