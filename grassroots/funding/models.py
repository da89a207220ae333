"""Neighbourhood funds run by resident-majority partnerships (Big Local's way of working).

- A `Partnership` decides how a fund is spent. It is built on a resident group (`group`): its
  meetings are the group's events, its priority exercises the group's. Its `Membership`s carry
  a role (chair, treasurer, member) and whether the member is a resident; the rules (at least
  `MIN_MEMBERS` members, residents at least half) are checked whenever it decides.
- A `Fund` belongs to an area (a council and some of its wards), is held by a locally trusted
  organisation and has a plan: `PlanRevision`s, each kept whole (its `PlanLine`s and their
  yearly `PlanAllocation`s), so any two can be compared side by side. A line keeps its `ref`
  from one revision to the next.
- An `Application` (from an initiative or a group) is decided by `Motion`s: one open at a time,
  each member's `MotionVote` recorded; members with a `Declaration` of interest cannot vote.
  A motion that passes is the decision; one that will not reach a decision can be withdrawn
  (with a reason) so another can be put; once closed a motion is never changed.
- A `Grant` comes from an approved application or a funded participatory-budgeting
  `Proposal`. Money moves only as `Transaction`s of balanced `Entry`s in an append-only
  double-entry ledger (see `Account`); balances are sums of entries, never stored.
- A participatory-budgeting `Round` hands part of a fund to the area's residents: costed
  `Proposal`s checked for eligibility, approval `PBBallot`s, and a result by the round's rule
  (`pb.py`).

Money is always integer pence.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.events.models import Event
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council, Ward
from grassroots.priorities.models import Priority

# Big Local's rules for a partnership that may decide.
MIN_MEMBERS = 8


class Partnership(models.Model):
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="partnership", verbose_name=_("group")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    # Quorum: at least this share of the current members present (those who vote on a motion,
    # abstaining included) and, when `quorum_residents_majority`, more residents than not among
    # them.
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (per cent of members)"), default=50)
    quorum_residents_majority = models.BooleanField(
        _("residents must be the majority of those present"), default=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=1) & Q(quorum_percent__lte=100),
                name="partnership_quorum_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:partnership", kwargs={"slug": self.slug})


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A seat on the partnership. Leaving sets `left_on`; the row stays for the record."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partnership_seats"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    # A councillor, an officer or an organisation's representative is not a resident.
    is_resident = models.BooleanField(_("resident"))
    represents = models.CharField(_("organisation represented"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["partnership", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"],
                condition=Q(left_on__isnull=True),
                name="partnership_seat_once",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(left_on__isnull=True, role="chair"),
                name="partnership_one_chair",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(left_on__isnull=True, role="treasurer"),
                name="partnership_one_treasurer",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="partnership_seat_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.partnership})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Fund(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="funds", verbose_name=_("partnership")
    )
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="funds")
    wards = models.ManyToManyField(Ward, related_name="funds", verbose_name=_("area"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    # What the funder put in when the fund opened; the ledger's opening transaction holds the
    # same figure, and the ledger is what balances are read from.
    total_pence = models.BigIntegerField(_("total (pence)"))
    funder_name = models.CharField(_("funder"), max_length=200)
    # org-id.guide identifiers, such as GB-CHC-1234567 (a charity) or GB-COH-01234567.
    funder_org_id = models.CharField(_("funder's organisation identifier"), max_length=100)
    holder_name = models.CharField(_("locally trusted organisation"), max_length=200)
    holder_org_id = models.CharField(_("locally trusted organisation's identifier"), max_length=100)
    starts_on = models.DateField(_("starts"))
    horizon_years = models.PositiveSmallIntegerField(_("years"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(total_pence__gt=0), name="fund_total_positive"),
            models.CheckConstraint(
                condition=Q(horizon_years__gte=1) & Q(horizon_years__lte=25),
                name="fund_horizon_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:fund", kwargs={"slug": self.slug})

    def year_of(self, day: datetime.date) -> int:
        """The plan year (1 = the first twelve months from `starts_on`) a day falls in."""
        months = (day.year - self.starts_on.year) * 12 + day.month - self.starts_on.month
        if day.day < self.starts_on.day:
            months -= 1
        return months // 12 + 1


class PlanRevision(models.Model):
    """One version of a fund's plan, kept whole: revising the plan adds a revision."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="plan_revisions")
    number = models.PositiveIntegerField(_("revision"))
    summary = models.TextField(_("what changed and why"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="plan_revision_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: plan revision {self.number}"


class PlanLine(models.Model):
    """A priority in one revision of the plan."""

    revision = models.ForeignKey(PlanRevision, on_delete=models.CASCADE, related_name="lines")
    # Stable across revisions: the same priority in the next revision keeps its ref, so
    # revisions compare line by line and spending reports follow a priority through them.
    ref = models.SlugField(_("reference"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("priority"), max_length=150)
    description = models.TextField(_("what it means"), blank=True)
    # Where it came from when it was carried in from a priority-setting exercise.
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_lines"
    )

    class Meta:
        ordering = ["revision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "ref"], name="plan_line_ref_once"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanAllocation(models.Model):
    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="allocations")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_pence = models.BigIntegerField(_("allocation (pence)"))

    class Meta:
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="plan_allocation_year_once"),
            models.CheckConstraint(condition=Q(year__gte=1), name="plan_allocation_year_from_1"),
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="plan_allocation_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line}, year {self.year}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="applications")
    # The applicant: exactly one of an initiative or a group.
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_applications",
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_applications"
    )
    # The plan priority it serves (a line of the revision in force when it was made).
    plan_line = models.ForeignKey(
        PlanLine, on_delete=models.PROTECT, related_name="applications", verbose_name=_("priority")
    )
    title = models.CharField(_("what the money is for"), max_length=150)
    outcomes = models.TextField(_("what it will achieve"))
    amount_pence = models.BigIntegerField(_("amount asked for (pence)"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_applications"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(initiative__isnull=False, group__isnull=True)
                | Q(initiative__isnull=True, group__isnull=False),
                name="fund_application_one_applicant",
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="fund_application_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:application", kwargs={"pk": self.pk})


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(_("item"), max_length=200)
    amount_pence = models.BigIntegerField(_("cost (pence)"))

    class Meta:
        ordering = ["application", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="budget_line_positive"),
        ]

    def __str__(self) -> str:
        return self.item


class Declaration(models.Model):
    """A member's declared interest in an application: they may not vote on it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declarations"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="declarations"
    )
    interest = models.TextField(_("the interest"))
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "membership"], name="declaration_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.application}"


class MotionKind(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DECLINE = "decline", _("Decline")


class MotionOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")
    # Taken back before a decision (by the chair or whoever proposed it), with a reason: the
    # votes cast stay recorded and another motion may be put.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Motion(models.Model):
    """A proposal put to the partnership about an application. The one that passes is the
    decision; a closed motion is never changed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="motions")
    kind = models.CharField(_("proposal"), max_length=10, choices=MotionKind.choices)
    # For an approval: the amount to approve (at most the amount asked for; less is "approve a
    # lower amount"). For a decline: empty.
    amount_pence = models.BigIntegerField(_("amount (pence)"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    proposed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="motions_proposed"
    )
    # The partnership meeting it was decided at, if it was decided at one.
    meeting = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="funding_motions"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(max_length=10, choices=MotionOutcome.choices, blank=True)
    # Why it was withdrawn (only a withdrawn motion has one); who and when are `closed_by` and
    # `closed_at`.
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)

    class Meta:
        ordering = ["application", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(closed_at__isnull=True),
                name="motion_one_open_per_application",
            ),
            models.CheckConstraint(
                condition=Q(kind="approve", amount_pence__gt=0)
                | Q(kind="decline", amount_pence__isnull=True),
                name="motion_amount_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(closed_at__isnull=False, outcome__in=["passed", "failed", "withdrawn"]),
                name="motion_outcome_when_closed",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="withdrawn") & ~Q(withdrawal_reason=""))
                | (~Q(outcome="withdrawn") & Q(withdrawal_reason="")),
                name="motion_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.application}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class MotionVote(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="votes")
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="motion_votes"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["motion", "cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "membership"], name="motion_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user}: {self.get_choice_display()}"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Grant(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="grants")
    # Where it came from: exactly one of an application's decision or a funded PB proposal.
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    proposal = models.OneToOneField(
        "Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    title = models.CharField(_("title"), max_length=150)
    # Who receives it (for the public page and 360Giving's recipient).
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    plan_line = models.ForeignKey(
        PlanLine, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    # The place that matters the grant is for, if any (a hall's roof, a bid for the pub).
    asset = models.ForeignKey(
        "directory.Asset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grants",
        verbose_name=_("place"),
    )
    awarded_on = models.DateField(_("awarded"))
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, proposal__isnull=True)
                | Q(application__isnull=True, proposal__isnull=False),
                name="grant_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:grant", kwargs={"pk": self.pk})

    @property
    def identifier(self) -> str:
        """The 360Giving grant identifier: the publisher's registered prefix and our id."""
        return f"{settings.GRANTS_360_PREFIX}-{self.pk}"


class Account(models.TextChoices):
    """The ledger's accounts. FUNDER (per fund) is where the fund's money came from and
    RETURNED (per grant) is money a grantee gave back: both hold negative balances, so every
    balance together sums to zero. AVAILABLE is the fund's uncommitted money; COMMITTED (per
    grant) is promised and not yet paid; PAID (per grant) has gone to the grantee.
    AVAILABLE never goes below zero: commitments and net payments never exceed the fund."""

    FUNDER = "funder", _("From the funder")
    AVAILABLE = "available", _("Available")
    COMMITTED = "committed", _("Committed")
    PAID = "paid", _("Paid")
    RETURNED = "returned", _("Returned")


class TransactionKind(models.TextChoices):
    OPEN = "open", _("Fund opened")
    COMMIT = "commit", _("Grant approved")
    VARY = "vary", _("Grant varied")
    PAY = "pay", _("Payment")
    RETURN = "return", _("Money returned")
    RELEASE = "release", _("Unspent commitment released")
    REVERSAL = "reversal", _("Correction")


class AppendOnly(models.Model):
    """Rows that, once written, are never changed or deleted (the database refuses too)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Ledger rows are append-only: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Ledger rows are append-only: record a correction instead.")


class Transaction(AppendOnly):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transactions")
    grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    kind = models.CharField(max_length=10, choices=TransactionKind.choices)
    memo = models.CharField(_("note"), max_length=300, blank=True)
    # A correction names the transaction it undoes; each can be undone once.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["fund", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.fund})"


class Entry(AppendOnly):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=10, choices=Account.choices)
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["transaction", "pk"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["fund", "account"], name="ledger_entry_fund_account"),
            models.Index(fields=["grant", "account"], name="ledger_entry_grant_account"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_pence=0), name="ledger_entry_not_zero"),
            # Fund-level accounts have no grant; grant-level accounts always have one.
            models.CheckConstraint(
                condition=Q(account__in=["funder", "available"], grant__isnull=True)
                | Q(account__in=["committed", "paid", "returned"], grant__isnull=False),
                name="ledger_entry_account_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_account_display()} {self.amount_pence}p"


class RoundRule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first (greedy)")
    MES = "mes", _("Method of Equal Shares")


class GreedyVariant(models.TextChoices):
    SKIP = "skip", _("Skip a project that does not fit and try the next")
    NO_SKIP = "no-skip", _("Stop at the first project that does not fit")


class Utility(models.TextChoices):
    COST = "cost", _("By cost (a voter values a project by what it costs)")
    CARDINALITY = "card", _("By count (every supported project counts the same)")


class Completion(models.TextChoices):
    NONE = "none", _("None")
    ADD_ONE = "add1", _("Add-one: raise the budget step by step to use what is left")


class RoundPhase(models.TextChoices):
    """Where a round is; never stored: it follows from the dates and `counted_at`."""

    NOT_OPEN = "not-open", _("Not open yet")
    PROPOSALS = "proposals", _("Taking proposals")
    CHECKING = "checking", _("Checking proposals")
    VOTING = "voting", _("Voting")
    CLOSED = "closed", _("Voting closed, waiting for the count")
    COUNTED = "counted", _("Results")


class CountState(models.TextChoices):
    """Where the count of a closed round is; never stored: it follows from the count fields."""

    NOT_ASKED = "not-asked", _("Not asked for")
    QUEUED = "queued", _("Being counted")
    # Asked for longer ago than `COUNT_PATIENCE` and still not done (a worker stopped, say):
    # whoever may count can ask again; the task is idempotent, so a late first run is harmless.
    STALLED = "stalled", _("Not finished")
    FAILED = "failed", _("Failed")
    COUNTED = "counted", _("Counted")


# How long a queued count is waited for before it may be asked for again (it takes seconds).
COUNT_PATIENCE = datetime.timedelta(minutes=15)


class Round(models.Model):
    """A participatory-budgeting round: part of a fund handed to the area's residents.

    Proposals are taken from `proposals_open` until `proposals_close`; the partnership checks
    them until `voting_opens`; residents vote until `voting_closes`; then the chair counts."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pb_rounds")
    # The plan priority the round serves (a line of the revision in force when it was set up);
    # the grants the count makes carry it. Empty only for a fund that had no plan.
    plan_line = models.ForeignKey(
        PlanLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pb_rounds",
        verbose_name=_("priority"),
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    budget_pence = models.BigIntegerField(_("budget (pence)"))
    proposals_open = models.DateTimeField(_("proposals open"))
    proposals_close = models.DateTimeField(_("proposals close"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"))
    rule = models.CharField(_("counting rule"), max_length=10, choices=RoundRule.choices)
    greedy_variant = models.CharField(
        max_length=10, choices=GreedyVariant.choices, default=GreedyVariant.SKIP
    )
    min_votes = models.PositiveIntegerField(_("fewest votes a project needs"), default=0)
    utility = models.CharField(max_length=4, choices=Utility.choices, default=Utility.COST)
    completion = models.CharField(max_length=4, choices=Completion.choices, default=Completion.NONE)
    # Optional: the most a single ballot may pick in total cost.
    ballot_limit_pence = models.BigIntegerField(
        _("spending limit per ballot (pence)"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the votes are counted: the funded proposals, the explanation for every
    # proposal and the figures, as computed by `pb.py`.
    counted_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # The count runs in the background (`tasks.count_round`): who asked for it and when. A count
    # that failed records only why and when; asking again clears them.
    count_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    count_requested_at = models.DateTimeField(null=True, blank=True)
    count_failed_at = models.DateTimeField(null=True, blank=True)
    count_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-voting_closes", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_pence__gt=0), name="pb_round_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(proposals_close__gte=F("proposals_open"))
                & Q(voting_opens__gte=F("proposals_close"))
                & Q(voting_closes__gte=F("voting_opens")),
                name="pb_round_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(ballot_limit_pence__isnull=True) | Q(ballot_limit_pence__gt=0),
                name="pb_round_ballot_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:round", kwargs={"pk": self.pk})

    def phase_at(self, when: datetime.datetime) -> RoundPhase:
        if self.counted_at is not None:
            return RoundPhase.COUNTED
        if when < self.proposals_open:
            return RoundPhase.NOT_OPEN
        if when < self.proposals_close:
            return RoundPhase.PROPOSALS
        if when < self.voting_opens:
            return RoundPhase.CHECKING
        if when < self.voting_closes:
            return RoundPhase.VOTING
        return RoundPhase.CLOSED

    @property
    def phase(self) -> RoundPhase:
        return self.phase_at(timezone.now())

    def count_state_at(self, when: datetime.datetime) -> CountState:
        if self.counted_at is not None:
            return CountState.COUNTED
        if self.count_failed_at is not None:
            return CountState.FAILED
        if self.count_requested_at is None:
            return CountState.NOT_ASKED
        if when - self.count_requested_at > COUNT_PATIENCE:
            return CountState.STALLED
        return CountState.QUEUED

    @property
    def count_state(self) -> CountState:
        return self.count_state_at(timezone.now())


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the eligibility check")
    ELIGIBLE = "eligible", _("On the ballot")
    INELIGIBLE = "ineligible", _("Not eligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Proposal(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("project"), max_length=150)
    description = models.TextField(_("what it is"))
    cost_pence = models.BigIntegerField(_("cost (pence)"))
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pb_proposals"
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="pb_proposals"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="pb_proposals"
    )
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    eligibility_note = models.TextField(_("why"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost_pence__gt=0), name="pb_proposal_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class PBBallot(models.Model):
    """A resident's approval ballot in a round: one a person, changeable until voting closes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pb_ballots"
    )
    ward = models.ForeignKey(Ward, null=True, on_delete=models.SET_NULL, related_name="+")
    proposals = models.ManyToManyField(Proposal, related_name="ballots")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="pb_ballot_once_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} in {self.round}"
