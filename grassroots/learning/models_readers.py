"""What readers of the guide keep: pages they have done, their private reflections, and a
councillor's private self-assessments ("how collaborative is my practice?").

All three belong to one person and are shown to nobody else: no page, list, admin or export
of anyone else's shows them (`selectors_readers` always filters by the reader).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.learning.models import GuidePage


class Completion(models.Model):
    """`user` has marked `page` as done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reader"),
    )
    page = models.ForeignKey(
        GuidePage, on_delete=models.CASCADE, related_name="completions", verbose_name=_("page")
    )
    completed_at = models.DateTimeField(_("done"), auto_now_add=True)

    class Meta:
        verbose_name = _("page done")
        verbose_name_plural = _("pages done")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="completion_once_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} done {self.page_id}"


class Reflection(models.Model):
    """What `user` wrote in answer to a page's reflection question; private to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reader"),
    )
    page = models.ForeignKey(
        GuidePage, on_delete=models.CASCADE, related_name="reflections", verbose_name=_("page")
    )
    text = models.TextField(_("your reflection"))
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="reflection_once_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.page_id}"


class SelfAssessment(models.Model):
    """One time a councillor answered "how collaborative is my practice?". `answers` maps each
    question's key to the point chosen on the scale; `scores` each role to its average; `record`
    is what the site showed of their work in the 12 months before (kept, so later assessments
    can be compared with it). Earlier assessments are kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("councillor"),
    )
    created_at = models.DateTimeField(_("taken"), auto_now_add=True, db_index=True)
    answers = models.JSONField(_("answers"), default=dict)
    scores = models.JSONField(_("scores"), default=dict)
    record = models.JSONField(_("record on the site"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return f"Self-assessment {self.pk}"
