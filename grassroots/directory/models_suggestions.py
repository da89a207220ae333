"""Suggestions for the directory: a new listing, or a correction to one, waiting for an editor.

Anyone signed in may suggest; an editor approves (which applies it: a new organisation and
service, approved, or the corrected fields written to the service) or rejects it with a
reason. What was proposed is kept as it was typed (`proposed`, a JSON object of the fields of
`forms.ListingForm`), so the editor sees it and the audit log can point at it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.directory.models import Organization, Service


class SuggestionKind(models.TextChoices):
    NEW = "new", _("New listing")
    CORRECTION = "correction", _("Correction")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an editor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def _empty() -> dict[str, Any]:
    return {}


class Suggestion(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=SuggestionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
        db_index=True,
    )
    # A correction is to a service; an approved new listing points at what it created.
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("service"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("organisation"),
    )
    proposed = models.JSONField(_("what was proposed"), default=_empty)
    note = models.TextField(_("note for the editors"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="directory_suggestions",
        verbose_name=_("suggested by"),
    )
    created = models.DateTimeField(_("suggested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return str(self.proposed.get("service_name") or self.proposed.get("name") or self.pk)
