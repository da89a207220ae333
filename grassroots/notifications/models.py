"""Notifications in the site and by email, respecting each person's preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The kinds are named by the apps below notifications, so they live in core.notices.
from grassroots.core.notices import Kind

__all__ = ["DIGESTS", "Delivery", "Kind", "Notification", "Preference"]


class Delivery(models.TextChoices):
    """How a person is emailed about one kind of notification (the site always shows it)."""

    IMMEDIATELY = "immediately", _("By email straight away")
    DAILY = "daily", _("In a daily digest email")
    WEEKLY = "weekly", _("In a weekly digest email")
    OFF = "off", _("No emails (on this site only)")


DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    # The initiative it is about, so a notification can never outlive its reader's right to see it.
    initiative = models.ForeignKey(
        "initiatives.Initiative", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Likewise the conversation (safeguarded ones are visible only inside their host).
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The ward or group it is about, when that is its place (digests are grouped by place).
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it was handed to the mail queue, on its own or in a digest (None: not emailed).
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the recipient's next digest (their preference for this kind was a digest
    # when it was made). The digest job clears it, so running the job twice sends nothing twice.
    awaiting_digest = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            ),
            # The digest job walks recipients with something waiting, in id order; a partial
            # index keeps that walk small however many notifications have already gone out.
            models.Index(
                fields=["recipient", "id"],
                condition=models.Q(awaiting_digest=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """How to email a person about one kind of notification (in-site is always on).

    No row for a kind means "immediately".
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(
        max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"
