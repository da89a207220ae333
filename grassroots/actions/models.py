"""Action items: something agreed in a conversation or at a meeting, who will do it, by when,
and how far it has gone. One model for both: each item belongs to exactly one conversation or
one event (a check constraint says so)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.conversations.models import Conversation
from grassroots.events.models import Event


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionItem(models.Model):
    """What someone will do, for a conversation or an event; it shows on its owner's dashboard
    until it is done."""

    conversation = models.ForeignKey(
        Conversation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="action_items"
    )
    what = models.CharField(_("what"), max_length=300)
    # Who does it: a person on the site (it then shows on their dashboard) or just a name.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("who"),
    )
    owner_name = models.CharField(_("who (name)"), max_length=200, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    # When it was marked done (empty while it is not done).
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status"], name="actions_owner_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(conversation__isnull=False, event__isnull=True)
                    | models.Q(conversation__isnull=True, event__isnull=False)
                ),
                name="actions_item_one_parent",
                violation_error_message=_(
                    "An action belongs to either a conversation or an event."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE
