"""Needs meet offers: residents' and organisations' offers of help, and introductions.

An `Offer` is what a resident (or an organisation in the directory, through a person who looks
after it) can give: a skill, time, equipment or space, when, where (a postcode, kept private,
turned into a point and the name of its ward) and how far they will travel. An `Introduction`
joins an initiative's open need to an offer: a lead sends it (sending is the lead's yes), the
offerer accepts or declines it, and only once it is accepted do both sides see each other's
contact details. One introduction per need and offer, ever, so a no is never asked again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_TRAVEL_MILES = 50


class OfferKind(models.TextChoices):
    SKILL = "skill", _("A skill")
    TIME = "time", _("Time")
    EQUIPMENT = "equipment", _("Equipment")
    SPACE = "space", _("Space")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class PartOfDay(models.TextChoices):
    MORNING = "morning", _("Mornings")
    AFTERNOON = "afternoon", _("Afternoons")
    EVENING = "evening", _("Evenings")


class Offer(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("offered by"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("on behalf of"),
    )
    kind = models.CharField(_("what you offer"), max_length=10, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    tags = models.CharField(_("key words"), max_length=300, blank=True)
    days = models.JSONField(_("days"), default=list, blank=True)  # weekdays, Monday = 0
    parts_of_day = models.JSONField(_("times of day"), default=list, blank=True)
    when_text = models.CharField(_("when, in your words"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    area_name = models.CharField(_("area"), max_length=255, blank=True)
    travel_miles = models.PositiveSmallIntegerField(_("how far you will travel (miles)"))
    status = models.CharField(
        _("status"), max_length=6, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="offer_status_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(travel_miles__lte=MAX_TRAVEL_MILES), name="offer_travel_at_most_50"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offers:detail", kwargs={"pk": self.pk})

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class IntroductionStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Introduction(models.Model):
    need = models.ForeignKey(
        "initiatives.Need", on_delete=models.CASCADE, related_name="introductions"
    )
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="introductions")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_sent"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=IntroductionStatus.choices,
        default=IntroductionStatus.WAITING,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions_answered",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="introduction_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.need_id} and {self.offer_id}"

    def get_absolute_url(self) -> str:
        return reverse("offers:introduction", kwargs={"pk": self.pk})
