"""Applying for money: an initiative's leads or a group's organisers apply to a fund, and may
withdraw before a decision; partnership members declare their interests. The partnership's
current members hear of each new application (`Kind.FUNDING`).

Each function checks its permission (rules.py) first, checks what the application's state
allows (a `ServiceError` written for the person), works in one transaction and writes the
audit log with `{"application": pk}` in its data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.funding import ledger
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    BudgetLine,
    Declaration,
    Fund,
    Membership,
    Motion,
    MotionOutcome,
    MotionVote,
    PlanLine,
    PlanRevision,
)
from grassroots.funding.money import pounds
from grassroots.funding.rules import seat_of
from grassroots.funding.visibility import can_view_application
from grassroots.groups.models import Group
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Initiative

MAX_TITLE = 150
MAX_OUTCOMES = 5000
MAX_ITEM = 200
MAX_INTEREST = 2000
MAX_BUDGET_LINES = 30


@dataclass(frozen=True)
class Cost:
    """One line of a budget: what it is and what it costs, in pence."""

    item: str
    amount_pence: int


def audit(actor: Actor | None, action: str, obj: Any, summary: str, **data: Any) -> None:
    audit_record(actor=actor, action=f"funding.{action}", obj=obj, summary=summary, data=data)


def named_to_members(application: Application) -> bool:
    """Whether notifications to the partnership's members may give the application's title.
    Not for an initiative that is not public: an email can be read by others, and the title
    could name it (the application's page, once signed in, still shows it)."""
    initiative = application.initiative
    return initiative is None or initiative_visibility.is_public(initiative)


def members_who_see(application: Application, among: Iterable[int] | None = None) -> list[User]:
    """The people (of `among`, if given) who hold a current seat on the application's
    partnership and may see the application (`funding.see_application`: a role that needs
    two-factor sign-in without it set up gives no member's powers); active accounts only."""
    seats = Membership.objects.filter(
        partnership_id=application.fund.partnership_id, left_on__isnull=True
    )
    if among is not None:
        seats = seats.filter(user_id__in=list(among))
    people = User.objects.filter(pk__in=seats.values("user_id"), is_active=True).order_by("pk")
    return [user for user in people if can_view_application(user, application)]


def _tell_members_of_new(actor: Actor, application: Application) -> None:
    fund = application.fund
    values = {
        "fund": fund.name,
        "title": application.title,
        "amount": pounds(application.amount_pence),
    }
    if named_to_members(application):
        text = _(
            "New application to %(fund)s: “%(title)s”, for %(amount)s. It waits for a decision."
        )
    else:
        text = _("New application to %(fund)s, for %(amount)s. It waits for a decision.")
    notify(
        recipients=members_who_see(application),
        kind=Kind.FUNDING,
        text=text % values,
        url=application.get_absolute_url(),
        group=fund.partnership.group,
        exclude=actor,
        actor=actor,
    )


def current_plan(fund: Fund) -> PlanRevision | None:
    """The plan revision in force: the latest."""
    return PlanRevision.objects.filter(fund=fund).order_by("-number").first()


def application_submit(
    *,
    actor: Actor,
    fund: Fund,
    applicant: Initiative | Group,
    plan_line: PlanLine,
    title: str,
    outcomes: str,
    budget: Sequence[Cost],
) -> Application:
    """Apply to `fund` for the sum of `budget`, for a priority of the fund's current plan."""
    require(actor, "funding.apply", applicant)
    title = clean_text(
        title,
        max_length=MAX_TITLE,
        empty=_("Enter what the money is for"),
        too_long=_("What the money is for must be %(max)d characters or fewer")
        % {"max": MAX_TITLE},
    )
    outcomes = clean_text(
        outcomes,
        max_length=MAX_OUTCOMES,
        empty=_("Enter what it will achieve"),
        too_long=_("What it will achieve must be %(max)d characters or fewer")
        % {"max": MAX_OUTCOMES},
    )
    lines = [
        Cost(
            item=clean_text(
                cost.item,
                max_length=MAX_ITEM,
                empty=_("Enter what each cost is for"),
                too_long=_("Each item must be %(max)d characters or fewer") % {"max": MAX_ITEM},
            ),
            amount_pence=cost.amount_pence,
        )
        for cost in budget
    ]
    if not lines:
        raise ServiceError(_("Enter at least one line of the budget: an item and its cost"))
    if len(lines) > MAX_BUDGET_LINES:
        raise ServiceError(_("A budget can have at most %(max)d lines") % {"max": MAX_BUDGET_LINES})
    if any(line.amount_pence <= 0 for line in lines):
        raise ServiceError(_("Every cost must be more than £0"))
    amount = sum(line.amount_pence for line in lines)
    with transaction.atomic():
        plan = current_plan(fund)
        if plan is None or plan_line.revision_id != plan.pk:
            raise ServiceError(_("Choose one of the priorities of the fund's current plan"))
        available = ledger.fund_balances(fund).available_pence
        if amount > available:
            raise ServiceError(
                _(
                    "The budget adds up to %(amount)s, but the fund has only %(available)s "
                    "available: ask for less"
                )
                % {"amount": pounds(amount), "available": pounds(available)}
            )
        application = Application.objects.create(
            fund=fund,
            initiative=applicant if isinstance(applicant, Initiative) else None,
            group=applicant if isinstance(applicant, Group) else None,
            plan_line=plan_line,
            title=title,
            outcomes=outcomes,
            amount_pence=amount,
            submitted_by=actor,
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=application,
                position=position,
                item=line.item,
                amount_pence=line.amount_pence,
            )
            for position, line in enumerate(lines)
        )
        audit(
            actor,
            "application_submit",
            application,
            f"Applied to fund {fund.pk} for {pounds(amount)}",
            application=application.pk,
            fund=fund.pk,
            amount_pence=amount,
        )
        # Stored with the application; emails go once it is committed (`notify`).
        _tell_members_of_new(actor, application)
    return application


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def application_withdraw(*, actor: Actor, application: Application) -> Application:
    """The applicant takes the application back before it is decided. A motion open on it is
    closed as not passed (the record keeps its votes)."""
    require(actor, "funding.withdraw", application)
    with transaction.atomic():
        locked = _lock(application)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise ServiceError(_("This application has already been decided or withdrawn"))
        now = timezone.now()
        Motion.objects.filter(application=locked, closed_at__isnull=True).update(
            closed_at=now, closed_by=actor, outcome=MotionOutcome.FAILED
        )
        Application.objects.filter(pk=locked.pk).update(
            status=ApplicationStatus.WITHDRAWN, decided_at=now
        )
        audit(
            actor,
            "application_withdraw",
            locked,
            "Withdrew the application",
            application=locked.pk,
        )
    application.refresh_from_db()
    return application


def interest_declare(*, actor: Actor, application: Application, interest: str) -> Declaration:
    """A member declares an interest in `application`: from now on they cannot vote on it. A
    vote they already cast on the open motion is taken out."""
    require(actor, "funding.declare", application)
    interest = clean_text(
        interest,
        max_length=MAX_INTEREST,
        empty=_("Describe the interest"),
        too_long=_("The interest must be %(max)d characters or fewer") % {"max": MAX_INTEREST},
    )
    seat = seat_of(actor, application.fund.partnership)
    assert seat is not None  # the rule holds only for a current member
    with transaction.atomic():
        locked = _lock(application)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise ServiceError(_("This application has already been decided or withdrawn"))
        try:
            with transaction.atomic():
                declaration = Declaration.objects.create(
                    application=locked, membership=seat, interest=interest
                )
        except IntegrityError as error:
            raise ServiceError(
                _("You have already declared an interest in this application")
            ) from error
        removed, _counts = MotionVote.objects.filter(
            motion__application=locked, motion__closed_at__isnull=True, membership=seat
        ).delete()
        audit(
            actor,
            "interest_declare",
            declaration,
            "Declared an interest in an application",
            application=locked.pk,
            vote_removed=bool(removed),
        )
    return declaration
