"""The councillors' guide and the residents' courses: pages that editors write and version.

A `GuidePage` is one module of the councillors' learning path or one lesson of a residents'
course; what it says lives in its `PageVersion` rows. A version is never changed once written:
a revision adds the next number, and publishing one makes it the page's live version (the page
points at it), so every earlier text stays to be compared.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.slugs import slug_constraints


class PageKind(models.TextChoices):
    MODULE = "module", _("Councillor module")
    LESSON = "lesson", _("Resident course lesson")


class MatchingAction(models.TextChoices):
    """What the site lets the reader do next, matching what the page taught."""

    NONE = "", _("No action")
    OFFER_TO_FACILITATE = "offer_to_facilitate", _("Offer to facilitate")
    HOLD_SURGERY = "hold_surgery", _("Hold a surgery in a community venue")
    ANSWER_HELP_REQUESTS = "answer_help_requests", _("Answer waiting help requests")
    APPLY_FOR_MONEY = "apply_for_money", _("Apply for money")
    RUN_MEETING = "run_meeting", _("Run a meeting")


class Course(models.Model):
    """A sequence of pages of one kind: the councillors' learning path, or a residents' course."""

    kind = models.CharField(_("kind"), max_length=10, choices=PageKind.choices)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=150)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [*slug_constraints(model="course")]

    def __str__(self) -> str:
        return self.title


class GuidePage(models.Model):
    """One module or lesson. `title` repeats the live version's title for listings; `live` is
    the published version readers see (None until one is published)."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="pages", verbose_name=_("course")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=150)
    live = models.OneToOneField(
        "PageVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_of",
        verbose_name=_("live version"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["course", "order"]
        verbose_name = _("guide page")
        verbose_name_plural = _("guide pages")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="guidepage_unique_slug"),
            models.UniqueConstraint(fields=["course", "order"], name="guidepage_unique_order"),
            *slug_constraints(model="guidepage"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind(self) -> str:
        return self.course.kind


class PageVersion(models.Model):
    """One text of a page, numbered from 1. Written once; `published_at` is set the first time
    it goes live (the page's `live` says which version is live now)."""

    page = models.ForeignKey(
        GuidePage, on_delete=models.CASCADE, related_name="versions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"))
    reflection = models.CharField(_("reflection question"), max_length=500, blank=True)
    action = models.CharField(
        _("matching action"),
        max_length=30,
        choices=MatchingAction.choices,
        blank=True,
        default=MatchingAction.NONE,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["page", "number"]
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="pageversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="pageversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"

    @property
    def published(self) -> bool:
        return self.published_at is not None


# Case studies live in their own module; importing them here registers them with the app.
from grassroots.learning.models_cases import (  # noqa: E402
    CaseContact,
    CaseResult,
    CaseStatus,
    CaseStudy,
    CaseTheme,
    CouncillorReflection,
    PlaceType,
)

# The readers' own records live in their own module; imported here so Django finds them.
from grassroots.learning.models_readers import Completion, Reflection, SelfAssessment  # noqa: E402

__all__ = [
    "CaseContact",
    "CaseResult",
    "CaseStatus",
    "CaseStudy",
    "CaseTheme",
    "Completion",
    "CouncillorReflection",
    "Course",
    "GuidePage",
    "MatchingAction",
    "PageKind",
    "PageVersion",
    "PlaceType",
    "Reflection",
    "SelfAssessment",
]
