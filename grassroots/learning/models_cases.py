"""Case studies: how residents and their councillors worked together, told as a structured record.

A `CaseStudy` comes from an achieved initiative (its leads start it, pre-filled from the
initiative) or is written from scratch by an editor. It moves draft → in review → awaiting the
leads' approval → published (and may be withdrawn). Supporting councillors add a
`CouncillorReflection`; `CaseContact`s are people who agreed to be contacted. A story from a
safeguarded initiative is always `anonymised` and needs two separate yeses from its leads:
consent to anonymised publication when it is started, and approval of the final text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.events.models import Event
from grassroots.funding.models import Fund
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, Theme
from grassroots.places.models import Council, Councillor, Ward
from grassroots.support.models import SupportKind


class PlaceType(models.TextChoices):
    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")
    RURAL = "rural", _("Rural")
    COASTAL = "coastal", _("Coastal")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the leads' approval")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseResult(models.TextChoices):
    """How it turned out (the list's outcome filter)."""

    ACHIEVED = "achieved", _("Achieved what it set out to do")
    PARTLY = "partly", _("Partly achieved")
    ONGOING = "ongoing", _("Still going")
    STOPPED = "stopped", _("Stopped, with lessons learned")


class CaseStudy(models.Model):
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="case_studies", verbose_name=_("council")
    )
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))
    place_type = models.CharField(
        _("type of place"), max_length=10, choices=PlaceType.choices, blank=True
    )
    challenge = models.TextField(_("the challenge"), blank=True)
    residents_did = models.TextField(_("what residents did"), blank=True)
    facilitate = models.TextField(_("what councillors did to facilitate"), blank=True)
    connect = models.TextField(_("what councillors did to connect"), blank=True)
    advocate = models.TextField(_("what councillors did to advocate"), blank=True)
    council_did = models.TextField(_("what the council did"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    evidence = models.TextField(_("evidence of the outcomes"), blank=True)
    differently = models.TextField(_("what they would do differently"), blank=True)
    result = models.CharField(
        _("how it turned out"), max_length=10, choices=CaseResult.choices, blank=True
    )
    initiative = models.OneToOneField(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_study",
        verbose_name=_("initiative it came from"),
    )
    related_initiatives = models.ManyToManyField(
        Initiative, blank=True, related_name="+", verbose_name=_("related initiatives")
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="+", verbose_name=_("groups"))
    funds = models.ManyToManyField(Fund, blank=True, related_name="+", verbose_name=_("funds"))
    events = models.ManyToManyField(Event, blank=True, related_name="+", verbose_name=_("events"))
    # The places that matter whose story it tells (directory's community assets).
    assets = models.ManyToManyField(
        "directory.Asset", blank=True, related_name="case_studies", verbose_name=_("places")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    # Set for good when the story comes from a safeguarded initiative (even if the initiative
    # later changes or goes): such a story is only ever published anonymised.
    safeguarded = models.BooleanField(_("from a safeguarded initiative"), default=False)
    anonymised = models.BooleanField(_("anonymised"), default=False)
    # The leads' first yes (safeguarded stories): consent to anonymised publication.
    consent_at = models.DateTimeField(_("consent to anonymised publication"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The leads' approval of the final text (the second yes of a safeguarded story).
    approved_at = models.DateTimeField(_("final text approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        indexes = [models.Index(fields=["status", "-published_at"], name="casestudy_status_pub")]
        constraints = [
            models.CheckConstraint(
                condition=Q(safeguarded=False) | Q(anonymised=True),
                name="casestudy_safeguarded_anonymised",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="casestudy_published_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(safeguarded=False)
                | (Q(consent_at__isnull=False) & Q(approved_at__isnull=False)),
                name="casestudy_safeguarded_two_yeses",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == CaseStatus.PUBLISHED

    def roles(self) -> list[str]:
        """The supporting roles this story tells of (non-empty sections)."""
        return [kind for kind in SupportKind.values if getattr(self, kind).strip()]


def field_label(name: str) -> str:
    """The capitalised verbose name of one of `CaseStudy`'s text fields."""
    field = CaseStudy._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


class CaseTheme(models.Model):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)

    class Meta:
        ordering = ["theme"]
        constraints = [
            models.UniqueConstraint(fields=["case_study", "theme"], name="casetheme_unique")
        ]
        indexes = [models.Index(fields=["theme", "case_study"], name="casetheme_theme")]

    def __str__(self) -> str:
        return self.get_theme_display()


class CaseContact(models.Model):
    """Someone readers may contact, who agreed to it (`consent_at` is when that was recorded)."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=150)
    how_to_contact = models.CharField(_("how to contact them"), max_length=250)
    consent_at = models.DateTimeField(_("consent recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class CouncillorReflection(models.Model):
    """A supporting councillor's own words on what they did and learned."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="reflections")
    councillor = models.ForeignKey(Councillor, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("your role"), max_length=12, choices=SupportKind.choices)
    text = models.TextField(_("your reflection"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "councillor"], name="reflection_one_per_councillor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.councillor} on {self.case_study}"
