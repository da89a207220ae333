"""Cross-cutting records: the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One thing somebody did that changed data others rely on (append-only)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    summary = models.CharField(_("summary"), max_length=500)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)


class Hideable(models.Model):
    """Content a moderator can hide (and restore) with a reason the author is told.

    Hidden content stays in the database for the record; pages show a placeholder (a reply) or
    a 404 (an initiative or event) to everyone but its authors and moderators.
    """

    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class EmailInvitation(models.Model):
    """An invitation to an address with no account yet (initiatives and groups each keep their
    own table on this pattern). The invite forms answer the same whether or not an account has
    the address, so they never tell who is signed up; when somebody confirms that address, the
    invitation becomes an ordinary one and they are told (`accounts.adapter.confirm_email`)."""

    email = models.EmailField(_("email address"), max_length=254)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class TaskOutbox(models.Model):
    """A task that could not be handed to Redis (it was unreachable) when it was queued: it
    waits here until `manage.py relay_tasks` (or a worker) hands it over (core/taskqueue.py)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    task_path = models.CharField(_("task"), max_length=300)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    queue_name = models.CharField(_("queue"), max_length=100, default="default")
    priority = models.IntegerField(_("priority"), default=0)
    run_after = models.DateTimeField(_("run after"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("relay attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("task waiting for the queue")
        verbose_name_plural = _("tasks waiting for the queue")

    def __str__(self) -> str:
        return f"{self.task_path} ({self.key})"


class TaskRun(models.Model):
    """A task run claimed by its key: a second delivery of the same key does not run it again.
    A claim whose run failed is removed, so a retry may run; `finished_at` is set on success."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    task_path = models.CharField(_("task"), max_length=300)
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("task run")
        verbose_name_plural = _("task runs")

    def __str__(self) -> str:
        return f"{self.task_path} ({self.key})"


class SentEmail(models.Model):
    """One email claimed for sending by its idempotency key (a hash: no address or text is
    kept), so a retried or duplicated task never sends it twice. `sent_at` is set once the mail
    server took it; a claim whose send failed is removed so a retry may send."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    claimed_at = models.DateTimeField(_("claimed"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")

    def __str__(self) -> str:
        return self.key
