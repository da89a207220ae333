"""Councillors supporting initiatives from the back seat: facilitate, connect, advocate."""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import Department
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Councillor


class SupportKind(models.TextChoices):
    FACILITATE = "facilitate", _("Facilitate")  # convene, host, mediate
    CONNECT = "connect", _("Connect")  # introduce to a person, organisation or officer
    ADVOCATE = "advocate", _("Advocate")  # raise it inside the council


class SupportStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PLANNED = "planned", _("Planned")  # accepted by the leads
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


ACCEPTED_STATUSES = (SupportStatus.PLANNED, SupportStatus.IN_PROGRESS, SupportStatus.DONE)


class Helped(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Support(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="supports")
    councillor = models.ForeignKey(Councillor, on_delete=models.PROTECT, related_name="supports")
    kind = models.CharField(_("kind of support"), max_length=12, choices=SupportKind.choices)
    # Empty only for a help request taken without saying yet (the page says "Not said yet").
    description = models.TextField(_("what you will do"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SupportStatus.choices, default=SupportStatus.OFFERED
    )
    help_request = models.OneToOneField(
        "HelpRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support",
    )
    offered_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Feedback from the initiative's leads once the support is done.
    helped = models.CharField(_("did it help?"), max_length=6, choices=Helped.choices, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(helped="") | Q(status="done"), name="feedback_only_when_done"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.councillor} for {self.initiative}"


class Invitation(models.Model):
    """Leads invite a councillor from outside the initiative's wards to support it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    councillor = models.ForeignKey(Councillor, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "councillor"], name="invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.councillor_id} invited to {self.initiative_id}"


class HelpRequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    TAKEN = "taken", _("Taken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def help_message_key(message: str) -> str:
    """A fingerprint of a request's words: case, spacing and punctuation at the ends ignored,
    so the same question sent twice (a double click, a resend) is recognised as the same."""
    words = " ".join(unicodedata.normalize("NFKC", message).casefold().split())
    return hashlib.sha256(words.strip(" .!?").encode()).hexdigest()


class HelpRequest(models.Model):
    """Leads ask their ward councillors for a kind of help; one councillor takes it."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="help_requests"
    )
    kind = models.CharField(_("kind of help"), max_length=12, choices=SupportKind.choices)
    message = models.TextField(_("what you need help with"))
    # help_message_key(message): one waiting request per person, initiative and question.
    message_key = models.CharField(max_length=64, editable=False, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=HelpRequestStatus.choices, default=HelpRequestStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    taken_by = models.ForeignKey(
        Councillor, null=True, blank=True, on_delete=models.PROTECT, related_name="help_taken"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    # Set when the request passed the configured number of working days unanswered.
    overdue_since = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="helprequest_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="taken") | Q(taken_by__isnull=False, taken_at__isnull=False),
                name="taken_request_has_taker",
            ),
            models.UniqueConstraint(
                fields=["initiative", "requested_by", "message_key"],
                condition=Q(status="waiting") & ~Q(message_key=""),
                name="helprequest_one_waiting_per_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} help for {self.initiative}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The fingerprint always follows the words, however the row is written.
        self.message_key = help_message_key(self.message)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "message" in update_fields:
            kwargs["update_fields"] = {*update_fields, "message_key"}
        super().save(*args, **kwargs)


class CaseStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    PARTLY_AGREED = "partly_agreed", _("Partly agreed")
    DECLINED = "declined", _("Declined")


OPEN_CASE_STATUSES = (CaseStatus.RAISED, CaseStatus.ACKNOWLEDGED, CaseStatus.UNDER_CONSIDERATION)


def overdue_condition(on: datetime.date | None = None) -> Q:
    """THE definition of an overdue case, shared by the officers' filter and the daily job:
    still open and wanted by a day before today (`on`, Europe/London). Worked out from the
    data, so a case is overdue the morning after its date whether or not the job has run."""
    day = on or timezone.localdate()
    return Q(status__in=OPEN_CASE_STATUSES, wanted_by__lt=day)


class AdvocacyCaseQuerySet(models.QuerySet["AdvocacyCase"]):
    def still_open(self) -> AdvocacyCaseQuerySet:
        """Cases the department has not decided or closed yet."""
        return self.filter(status__in=OPEN_CASE_STATUSES)

    def overdue(self, on: datetime.date | None = None) -> AdvocacyCaseQuerySet:
        """Cases overdue on `on` (today): see overdue_condition."""
        return self.filter(overdue_condition(on))


class AdvocacyCase(models.Model):
    """An advocate support raised with a council department."""

    support = models.OneToOneField(Support, on_delete=models.CASCADE, related_name="case")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cases", verbose_name=_("department")
    )
    ask = models.TextField(_("what you are asking for"))
    evidence = models.TextField(_("evidence"))
    outcome_wanted = models.TextField(_("the outcome wanted"))
    wanted_by = models.DateField(_("wanted by"))
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.RAISED, db_index=True
    )
    decision = models.CharField(max_length=14, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the daily job told the department (once per case); `is_overdue` is what pages show.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    objects = AdvocacyCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["raised", "acknowledged", "under_consideration"])
                | (~Q(decision="") & ~Q(decision_reasons="")),
                name="decided_case_has_decision_and_reasons",
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.ask[:40]}"

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        """The same rule as `AdvocacyCase.objects.overdue()`, for one case already loaded."""
        day = on or timezone.localdate()
        return self.status in OPEN_CASE_STATUSES and self.wanted_by < day


class CaseMessage(models.Model):
    """The case thread. An internal note is seen only by officers of the department that wrote
    it: a case passed to another department does not carry the old one's notes with it."""

    case = models.ForeignKey(AdvocacyCase, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    # For an internal note: the department whose officers may read it (the case's at the time).
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(department__isnull=False),
                name="internal_note_has_department",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class CaseTransfer(models.Model):
    """A case passed from one department to another, with the reason: the case's history."""

    case = models.ForeignKey(AdvocacyCase, on_delete=models.CASCADE, related_name="transfers")
    from_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_department=models.F("to_department")),
                name="transfer_changes_department",
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id}: {self.from_department_id} → {self.to_department_id}"
