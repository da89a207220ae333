"""Following: a person asks to hear about an initiative, a ward, a group or a conversation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    # Exactly one target (a check constraint keeps it so); real foreign keys, not a generic
    # relation, so a deleted target takes its follows with it and look-ups use plain indexes.
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(initiative__isnull=False, ward__isnull=True)
                    & Q(group__isnull=True, conversation__isnull=True)
                )
                | (
                    Q(initiative__isnull=True, ward__isnull=False)
                    & Q(group__isnull=True, conversation__isnull=True)
                )
                | (
                    Q(initiative__isnull=True, ward__isnull=True)
                    & Q(group__isnull=False, conversation__isnull=True)
                )
                | (
                    Q(initiative__isnull=True, ward__isnull=True)
                    & Q(group__isnull=True, conversation__isnull=False)
                ),
                name="follow_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "initiative"],
                condition=Q(initiative__isnull=False),
                name="follow_unique_initiative",
            ),
            models.UniqueConstraint(
                fields=["user", "ward"], condition=Q(ward__isnull=False), name="follow_unique_ward"
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(group__isnull=False),
                name="follow_unique_group",
            ),
            models.UniqueConstraint(
                fields=["user", "conversation"],
                condition=Q(conversation__isnull=False),
                name="follow_unique_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow {self.pk} by {self.user_id}"

    @property
    def kind(self) -> str:
        """Which of the four targets this follow has."""
        for name in ("initiative", "ward", "group", "conversation"):
            if getattr(self, f"{name}_id") is not None:
                return name
        raise ValueError("A follow without a target")

    @property
    def target_id(self) -> int:
        value: int = getattr(self, f"{self.kind}_id")
        return value

    @property
    def target(self) -> models.Model:
        """The followed object (load it with select_related to avoid a query per row)."""
        value: models.Model = getattr(self, self.kind)
        return value
