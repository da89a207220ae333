"""Following: a person asks to hear about an initiative, a ward, a group, a conversation or a
place that matters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# The things a follow can point at, one field each.
TARGETS = ("initiative", "ward", "group", "conversation", "asset")


def _exactly_one(fields: tuple[str, ...]) -> Q:
    """True when exactly one of `fields` is set."""
    options = [Q(**{f"{name}__isnull": name != chosen for name in fields}) for chosen in fields]
    condition = options[0]
    for option in options[1:]:
        condition |= option
    return condition


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
    asset = models.ForeignKey(
        "directory.Asset",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_exactly_one(TARGETS), name="follow_has_one_target"),
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
            models.UniqueConstraint(
                fields=["user", "asset"],
                condition=Q(asset__isnull=False),
                name="follow_unique_asset",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow {self.pk} by {self.user_id}"

    @property
    def kind(self) -> str:
        """Which of the targets this follow has."""
        for name in TARGETS:
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
