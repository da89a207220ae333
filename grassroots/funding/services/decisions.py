"""Deciding an application: motions, members' votes and the chair closing a motion.

A motion proposes to approve (the amount asked for, or less with reasons) or to decline with
reasons. Members without a declared interest vote for, against or abstain, one vote each. The
chair closes it; that is refused unless the partnership may decide (`constitution.standing`)
and those who voted make a quorum (`constitution.quorum`). A motion passes with more votes for
than against. A passed approval approves the application, creates the grant and commits its
money in the same database transaction (if the fund cannot cover it, nothing is recorded); a
passed decline declines it; a motion that fails leaves the application waiting for another.
A motion that will not reach a decision (no quorum in sight) is withdrawn by the chair or the
member who proposed it, with a reason: it is closed as withdrawn, its votes stay recorded, and
another may be put. A closed motion is never changed: there is no service that edits one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.events.models import Event
from grassroots.funding import constitution, ledger
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    Grant,
    Membership,
    Motion,
    MotionKind,
    MotionOutcome,
    MotionVote,
    VoteChoice,
)
from grassroots.funding.money import pounds
from grassroots.funding.rules import seat_of
from grassroots.funding.services.applications import audit, members_who_see, named_to_members
from grassroots.groups.selectors import organiser_ids
from grassroots.initiatives.models import MemberRole, MembershipStatus

MAX_REASONS = 5000
MAX_WITHDRAWAL_REASON = 500


@dataclass(frozen=True)
class Tally:
    for_: int
    against: int
    abstain: int

    @property
    def passes(self) -> bool:
        return self.for_ > self.against


def current_members(application: Application) -> list[Membership]:
    return list(
        Membership.objects.filter(
            partnership_id=application.fund.partnership_id, left_on__isnull=True
        )
    )


def motion_propose(
    *,
    actor: Actor,
    application: Application,
    kind: MotionKind,
    amount_pence: int | None = None,
    reasons: str = "",
    meeting: Event | None = None,
) -> Motion:
    """Put a motion about `application`: one open at a time."""
    require(actor, "funding.propose", application)
    if kind not in MotionKind.values:
        raise ServiceError(_("Choose whether to approve or decline"))
    reasons = (reasons or "").strip()
    if reasons:
        reasons = clean_text(
            reasons,
            max_length=MAX_REASONS,
            empty="",
            too_long=_("The reasons must be %(max)d characters or fewer") % {"max": MAX_REASONS},
        )
    if kind == MotionKind.APPROVE:
        if amount_pence is None:
            amount_pence = application.amount_pence
        if amount_pence <= 0:
            raise ServiceError(_("Enter an amount of more than £0"))
        if amount_pence > application.amount_pence:
            raise ServiceError(
                _("The amount to approve cannot be more than the %(asked)s asked for")
                % {"asked": pounds(application.amount_pence)}
            )
        if amount_pence < application.amount_pence and not reasons:
            raise ServiceError(_("Give the reasons for approving a lower amount"))
    else:
        amount_pence = None
        if not reasons:
            raise ServiceError(_("Give the reasons for declining"))
    partnership = application.fund.partnership
    if meeting is not None and meeting.group_id != partnership.group_id:
        raise ServiceError(_("Choose one of the partnership's meetings"))
    seat = seat_of(actor, partnership)
    assert seat is not None
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise ServiceError(_("This application has already been decided or withdrawn"))
        try:
            with transaction.atomic():
                motion = Motion.objects.create(
                    application=locked,
                    kind=kind,
                    amount_pence=amount_pence,
                    reasons=reasons,
                    proposed_by=seat,
                    meeting=meeting,
                )
        except IntegrityError as error:
            raise ServiceError(
                _("A motion on this application is already open: close it first")
            ) from error
        audit(
            actor,
            "motion_propose",
            motion,
            f"Proposed to {kind} application {locked.pk}"
            + (f" for {pounds(amount_pence)}" if amount_pence else ""),
            application=locked.pk,
            kind=kind,
            amount_pence=amount_pence,
        )
    return motion


def motion_vote(*, actor: Actor, motion: Motion, choice: VoteChoice) -> MotionVote:
    """Record the member's vote on an open motion; voting again changes it while it is open."""
    require(actor, "funding.vote", motion)
    if choice not in VoteChoice.values:
        raise ServiceError(_("Choose for, against or abstain"))
    seat = seat_of(actor, motion.application.fund.partnership)
    assert seat is not None
    with transaction.atomic():
        locked = Motion.objects.select_for_update().get(pk=motion.pk)
        if locked.closed_at is not None:
            raise ServiceError(_("Voting on this motion has closed"))
        vote, created = MotionVote.objects.update_or_create(
            motion=locked, membership=seat, defaults={"choice": choice, "cast_at": timezone.now()}
        )
        audit(
            actor,
            "motion_vote",
            vote,
            f"Voted {choice} on motion {locked.pk}" + ("" if created else " (changed)"),
            application=locked.application_id,
            motion=locked.pk,
            choice=choice,
        )
    return vote


def tally(motion: Motion) -> Tally:
    choices = [v.choice for v in motion.votes.all()]
    return Tally(
        for_=choices.count(VoteChoice.FOR),
        against=choices.count(VoteChoice.AGAINST),
        abstain=choices.count(VoteChoice.ABSTAIN),
    )


def _applicant_people(application: Application) -> list[int]:
    """Who hears about a decision: whoever submitted it and those acting for the applicant."""
    ids = {application.submitted_by_id}
    if application.initiative is not None:
        ids |= set(
            application.initiative.memberships.filter(
                role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            ).values_list("user_id", flat=True)
        )
    if application.group is not None:
        ids |= organiser_ids(application.group)
    return sorted(ids)


def motion_close(*, actor: Actor, motion: Motion) -> Motion:
    """The chair closes the vote. Refused, changing nothing, while the partnership may not
    decide or those who voted are no quorum, and (for an approval) when the fund cannot cover
    the grant."""
    require(actor, "funding.close_motion", motion)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("fund__partnership", "initiative", "group")
            .get(pk=motion.application_id)
        )
        locked = Motion.objects.select_for_update().get(pk=motion.pk)
        if locked.closed_at is not None:
            raise ServiceError(_("This motion has already been closed"))
        if application.status != ApplicationStatus.SUBMITTED:
            raise ServiceError(_("This application has already been decided or withdrawn"))
        partnership = application.fund.partnership
        current = current_members(application)
        standing = constitution.standing(current)
        if not standing.may_decide:
            raise ServiceError(
                _("The partnership cannot decide until it meets the rules: %(why)s")
                % {"why": " ".join(standing.problems)}
            )
        votes = list(locked.votes.select_related("membership"))
        quorum = constitution.quorum(partnership, current, [v.membership for v in votes])
        if not quorum.met:
            raise ServiceError(
                _("There is no quorum yet: %(why)s") % {"why": " ".join(quorum.problems)}
            )
        counts = Tally(
            for_=sum(1 for v in votes if v.choice == VoteChoice.FOR),
            against=sum(1 for v in votes if v.choice == VoteChoice.AGAINST),
            abstain=sum(1 for v in votes if v.choice == VoteChoice.ABSTAIN),
        )
        now = timezone.now()
        outcome = MotionOutcome.PASSED if counts.passes else MotionOutcome.FAILED
        grant = None
        if counts.passes and locked.kind == MotionKind.APPROVE:
            assert locked.amount_pence is not None
            grant = Grant.objects.create(
                fund=application.fund,
                application=application,
                title=application.title,
                initiative=application.initiative,
                group=application.group,
                plan_line=application.plan_line,
                awarded_on=timezone.localdate(),
            )
            ledger.commit(
                grant,
                locked.amount_pence,
                actor=actor,
                memo=_("Approved by the partnership (motion %(pk)d)") % {"pk": locked.pk},
            )
            application.status = ApplicationStatus.APPROVED
        elif counts.passes:
            application.status = ApplicationStatus.DECLINED
        if counts.passes:
            application.decided_at = now
            application.save(update_fields=["status", "decided_at"])
        Motion.objects.filter(pk=locked.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=actor, outcome=outcome
        )
        audit(
            actor,
            "motion_close",
            locked,
            f"Closed motion {locked.pk}: {outcome} "
            f"({counts.for_} for, {counts.against} against, {counts.abstain} abstaining)",
            application=application.pk,
            outcome=outcome,
            grant=grant.pk if grant is not None else None,
            votes={"for": counts.for_, "against": counts.against, "abstain": counts.abstain},
        )
        if counts.passes:
            if grant is not None:
                amount = locked.amount_pence or 0
                if amount < application.amount_pence:
                    text = _("“%(title)s”: the partnership approved %(amount)s of %(asked)s.")
                else:
                    text = _("“%(title)s”: the partnership approved %(amount)s.")
            else:
                text = _("“%(title)s”: the partnership declined the application.")
            notify(
                recipients=_recipients(_applicant_people(application)),
                kind=Kind.FUNDING,
                text=text
                % {
                    "title": application.title,
                    "amount": pounds(locked.amount_pence),
                    "asked": pounds(application.amount_pence),
                },
                url=application.get_absolute_url(),
                initiative=application.initiative,
                group=application.group,
                actor=actor,
            )
    locked.refresh_from_db()
    return locked


def motion_withdraw(*, actor: Actor, motion: Motion, reason: str) -> Motion:
    """The chair, or the member who proposed it, withdraws an open motion, saying why. It is
    closed as withdrawn (by `actor`, now, with `reason`); the votes cast on it stay recorded,
    the application waits for another motion, and the members who voted are told."""
    require(actor, "funding.withdraw_motion", motion)
    reason = clean_text(
        reason,
        max_length=MAX_WITHDRAWAL_REASON,
        empty=_("Say why the motion is being withdrawn"),
        too_long=_("The reason must be %(max)d characters or fewer")
        % {"max": MAX_WITHDRAWAL_REASON},
    )
    with transaction.atomic():
        # The same order of locks as closing: the application, then the motion.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("fund__partnership__group", "initiative")
            .get(pk=motion.application_id)
        )
        locked = Motion.objects.select_for_update().get(pk=motion.pk)
        if locked.closed_at is not None:
            raise ServiceError(_("This motion has already been closed"))
        if application.status != ApplicationStatus.SUBMITTED:
            raise ServiceError(_("This application has already been decided or withdrawn"))
        Motion.objects.filter(pk=locked.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(),
            closed_by=actor,
            outcome=MotionOutcome.WITHDRAWN,
            withdrawal_reason=reason,
        )
        voted = list(locked.votes.values_list("membership__user_id", flat=True))
        audit(
            actor,
            "motion_withdraw",
            locked,
            f"Withdrew motion {locked.pk} ({len(voted)} votes cast stay recorded)",
            application=application.pk,
            motion=locked.pk,
            reason=reason,
            votes=len(voted),
        )
        if named_to_members(application):
            text = _(
                "“%(title)s”: the motion you voted on was withdrawn. Your vote stays on the "
                "record, and a new motion can be put."
            )
        else:
            text = _(
                "An application to %(fund)s: the motion you voted on was withdrawn. Your vote "
                "stays on the record, and a new motion can be put."
            )
        notify(
            recipients=members_who_see(application, voted),
            kind=Kind.FUNDING,
            text=text % {"title": application.title, "fund": application.fund.name},
            url=application.get_absolute_url(),
            group=application.fund.partnership.group,
            exclude=actor,
            actor=actor,
        )
    locked.refresh_from_db()
    return locked


def _recipients(user_ids: list[int]) -> list[Actor]:
    return list(User.objects.filter(pk__in=user_ids, is_active=True))
