"""Notifications in the site and by email, respecting each person's preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    JOIN_REQUEST = "join_request", _("Requests to join your initiatives and groups")
    JOIN_DECISION = "join_decision", _("Answers to your requests to join")
    INVITATION = "invitation", _("Invitations to join an initiative or a group")
    SUPPORT_OFFER = "support_offer", _("Councillors offering support")
    SUPPORT_UPDATE = "support_update", _("Changes to support you offered or received")
    HELP_REQUEST = "help_request", _("Help requests in your wards")
    CASE_UPDATE = "case_update", _("Advocacy case updates")
    STAGE_CHANGE = "stage_change", _("Stage changes of initiatives you back or belong to")
    CONVERSATION = "conversation", _("New replies in conversations you take part in")
    ACTION = "action", _("Agreed actions and action items given to you")
    EVENT = "event", _("Changes to events you are going to, and places from a waiting list")
    EVENT_REMINDER = "event_reminder", _("Reminders the day before an event you are going to")
    FOLLOWING = "following", _("News from initiatives, wards, groups and conversations you follow")
    MODERATION = "moderation", _("Moderators' decisions about what you posted or reported")


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
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """Whether to email a person about one kind of notification (in-site is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'email' if self.email else 'site only'}"
