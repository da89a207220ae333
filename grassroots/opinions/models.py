"""Opinion maps: a question, short statements, and everyone's agree / disagree / pass on them.

A map is hosted by a ward (its councillors and the council's officers host it) or by a group
(its organisers). Votes are rows keyed by participant and statement, unique together; the
engine (`engine.py`) works on them as a sparse matrix. What the last computation found is kept
on the map (`state` for the next warm start, `result` for the report), with the order of
participants and statements it used, so a later run keeps everybody's place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import Hideable
from grassroots.groups.models import Group
from grassroots.places.models import Ward

# Polis keeps statements short so one fits on a card; so do we.
STATEMENT_MAX_LENGTH = 140


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Anyone with an account")
    AREA = "area", _("Residents of the area")


class OpinionMap(Hideable):
    # Exactly one host (a check constraint below keeps it so).
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_maps",
        verbose_name=_("ward"),
    )
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinion_maps",
        verbose_name=_("group"),
    )
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("who can take part"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinion_maps_started",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed to votes"), null=True, blank=True)
    # Where it came from when an operator loaded a Polis export (`import_polis`).
    imported_from = models.CharField(_("imported from"), max_length=200, blank=True)

    # The last computation. `state` is `engine.State.as_dict()` plus the participant and
    # statement ids in the order the engine indexed them; `result` is what the report shows
    # (see `computing.py`). `computed_votes` is how many votes it saw, so a later run can tell
    # whether anything changed.
    state: models.JSONField[dict[str, Any] | None] = models.JSONField(null=True, blank=True)
    result: models.JSONField[dict[str, Any] | None] = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField(_("last computed"), null=True, blank=True)
    computed_votes = models.PositiveIntegerField(default=0)
    # A computation under way: when it started, and how far it has got (0-100).
    computing_since = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(ward__isnull=False, group__isnull=True)
                    | Q(ward__isnull=True, group__isnull=False)
                ),
                name="opinion_map_has_one_host",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="opinion_map_progress_is_a_percentage"
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("opinions:detail", kwargs={"pk": self.pk})

    @property
    def host(self) -> Ward | Group:
        host = self.ward or self.group
        assert host is not None
        return host

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Participant(models.Model):
    """Somebody taking part in one map: a member of the site, or a participant loaded from a
    Polis export (`user` empty, `external_id` the Polis participant id)."""

    map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinion_participations",
    )
    external_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["map", "user"],
                condition=Q(user__isnull=False),
                name="opinion_participant_once_per_map",
            ),
            models.UniqueConstraint(
                fields=["map", "external_id"],
                condition=Q(external_id__isnull=False),
                name="opinion_participant_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk} in map {self.map_id}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")


class Statement(models.Model):
    map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="statements")
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    # Seeded by the host (published at once) or added by a participant (waits for moderation).
    is_seed = models.BooleanField(default=False)
    author = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)
    external_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["map", "status"], name="opinion_statement_by_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["map", "external_id"],
                condition=Q(external_id__isnull=False),
                name="opinion_statement_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.IntegerChoices):
    AGREE = 1, _("Agree")
    PASS = 0, _("Pass / unsure")
    DISAGREE = -1, _("Disagree")


class Vote(models.Model):
    """One participant's answer to one statement: written once, never changed."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    # The map, repeated so counting and loading a map's votes needs no join.
    map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="votes")
    choice = models.SmallIntegerField(choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="opinion_vote_once_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=[-1, 0, 1]), name="opinion_vote_choice_valid"
            ),
        ]
        indexes = [models.Index(fields=["map", "id"], name="opinion_vote_by_map")]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.statement_id}: {self.choice}"
