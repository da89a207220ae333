"""Reports, safeguarding concerns, the council's safeguarding contacts and the site's settings.

A report names exactly one thing (a reply, a conversation, an initiative or an event) through
real nullable foreign keys (see docs/decisions/0004-moderation.md). Reports that moderators
handle live in `Report`; safeguarding concerns, and any report about safeguarded content, live
in `SafeguardingConcern`, a separate table that the moderators' queue never reads, so the queue
cannot leak them by a forgotten filter.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.conversations.models import Conversation, Post
from grassroots.events.models import Event
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council

TARGET_FIELDS = ("post", "conversation", "initiative", "event")


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse, harassment or hate")
    PERSONAL_INFORMATION = "personal", _("Someone's personal information")
    MISINFORMATION = "misinformation", _("False or misleading information")
    SAFEGUARDING = "safeguarding", _("A safeguarding concern: someone may be at risk of harm")


def _one_target() -> Q:
    condition = Q()
    for name in TARGET_FIELDS:
        only = Q(**{f"{name}__isnull": False})
        for other in TARGET_FIELDS:
            if other != name:
                only &= Q(**{f"{other}__isnull": True})
        condition |= only
    return condition


class Targeted(models.Model):
    """Exactly one reported thing, as a real foreign key each (one is set)."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def target(self) -> Any:
        for name in TARGET_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    @property
    def target_kind(self) -> str:
        for name in TARGET_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return "reply" if name == "post" else name
        return ""

    @property
    def target_key(self) -> tuple[str, int]:
        for name in TARGET_FIELDS:
            value = getattr(self, f"{name}_id")
            if value is not None:
                return ("reply" if name == "post" else name, value)
        return ("", 0)


def _target_constraints(label: str, open_condition: Q) -> list[Any]:
    """Exactly one target, and one open report per person per item."""
    constraints: list[Any] = [
        models.CheckConstraint(condition=_one_target(), name=f"{label}_has_one_target")
    ]
    for name in TARGET_FIELDS:
        constraints.append(
            models.UniqueConstraint(
                fields=["reporter", name],
                condition=open_condition & Q(**{f"{name}__isnull": False}),
                name=f"{label}_one_open_per_{name}",
            )
        )
    return constraints


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    UPHELD = "upheld", _("Acted on")
    DISMISSED = "dismissed", _("Dismissed")


class Report(Targeted):
    """A report for the moderators' queue (never a safeguarding concern)."""

    is_concern = False

    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue_idx")]
        constraints = [
            *_target_constraints("report", Q(status="open")),
            models.CheckConstraint(
                condition=~Q(reason="safeguarding"), name="report_never_safeguarding"
            ),
        ]

    def __str__(self) -> str:
        kind, pk = self.target_key
        return f"Report {self.pk} ({self.reason}) about {kind} {pk}"


class SafeguardingContact(models.Model):
    """A person the council names to receive safeguarding concerns (managed by site admins)."""

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        related_name="safeguarding_contacts",
        verbose_name=_("council"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    # Linked to an account, the contact can follow concerns on the site (and close them).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="safeguarding_contacts",
        verbose_name=_("account on this site"),
    )

    class Meta:
        ordering = ["council__name", "name"]
        verbose_name = _("safeguarding contact")
        verbose_name_plural = _("safeguarding contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "email"], name="safeguarding_contact_unique_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.council})"


class ConcernStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class SafeguardingConcern(Targeted):
    """A concern sent straight to the council's safeguarding contacts; tracked to closure.

    Also holds any report (whatever its reason) about safeguarded content, which moderators
    may not see. The reporter's name and email and what the item said are kept as they were
    when reported, so the record stays true if the item is later edited or removed.
    """

    is_concern = True

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("reporter's email address"), blank=True)
    item_title = models.CharField(_("what was reported"), max_length=300)
    item_text = models.TextField(_("what it said"), blank=True)
    item_url = models.CharField(_("address of the item"), max_length=300, blank=True)
    sent_to = models.TextField(_("emailed to"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ConcernStatus.choices, default=ConcernStatus.NEW
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("safeguarding concern")
        verbose_name_plural = _("safeguarding concerns")
        indexes = [models.Index(fields=["status", "created_at"], name="concern_status_idx")]
        constraints = [
            *_target_constraints("concern", ~Q(status="closed")),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closing_note=""),
                name="concern_closed_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"Safeguarding concern {self.pk}: {self.item_title}"


class ModerationSettings(models.Model):
    """Site-wide moderation settings: one row, edited by site admins in the Django admin."""

    hold_first_posts = models.PositiveSmallIntegerField(
        _("hold a new account's first replies"),
        default=0,
        help_text=_(
            "A new account's first this many replies wait for a moderator before others see "
            "them. 0 turns this off."
        ),
    )

    class Meta:
        verbose_name = _("moderation settings")
        verbose_name_plural = _("moderation settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="moderation_settings_one_row")
        ]

    def __str__(self) -> str:
        return str(_("Moderation settings"))

    @classmethod
    def load(cls) -> ModerationSettings:
        row, _created = cls.objects.get_or_create(pk=1)
        return row
