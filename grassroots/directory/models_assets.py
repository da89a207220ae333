"""The places that matter to a neighbourhood, and the right to bid for them.

An `Asset` is a place residents mapped (a green space, a pub, a hall, a library, a shop). An
eligible community body may nominate it to its council as an Asset of Community Value
(`Nomination`); the council's officer records the decision, and later the owner's notice that
they wish to sell (`SaleNotice`) and any community group's request to be treated as a bidder
(`BidderRequest`). Only the events are stored: every date that follows from them (the decision
deadline, the end of the listing, the moratoria, the protected period) is worked out by the
pure rules in `acv.py`, so no date is stored twice or computed anywhere else.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.directory import acv


class AssetKind(models.TextChoices):
    GREEN_SPACE = "green_space", _("Green space or park")
    PUB = "pub", _("Pub")
    HALL = "hall", _("Community hall")
    LIBRARY = "library", _("Library")
    SHOP = "shop", _("Shop or post office")
    SPORTS = "sports", _("Sports ground or pool")
    OTHER = "other", _("Another kind of place")


class AcvStatus(models.TextChoices):
    """Where a place stands with the council's list of Assets of Community Value. Kept on the
    asset by the services so the list can filter on it; the dates live in `acv.py`."""

    MAPPED = "mapped", _("Not nominated")
    NOMINATED = "nominated", _("Nominated, waiting for the council")
    LISTED = "listed", _("Listed as an Asset of Community Value")
    NOT_LISTED = "not_listed", _("Not listed")


class BodyKind(models.TextChoices):
    PARISH_COUNCIL = acv.BodyKind.PARISH_COUNCIL.value, _("A parish or town council")
    NEIGHBOURHOOD_FORUM = acv.BodyKind.NEIGHBOURHOOD_FORUM.value, _("A neighbourhood forum")
    UNINCORPORATED = (
        acv.BodyKind.UNINCORPORATED.value,
        _("A community group that is not a company or a charity"),
    )
    CHARITY = acv.BodyKind.CHARITY.value, _("A charity")
    COMPANY_LIMITED_BY_GUARANTEE = (
        acv.BodyKind.COMPANY_LIMITED_BY_GUARANTEE.value,
        _("A company limited by guarantee"),
    )
    COMMUNITY_BENEFIT_SOCIETY = (
        acv.BodyKind.COMMUNITY_BENEFIT_SOCIETY.value,
        _("A community benefit society or co-operative"),
    )
    COMMUNITY_INTEREST_COMPANY = (
        acv.BodyKind.COMMUNITY_INTEREST_COMPANY.value,
        _("A community interest company"),
    )
    PUBLIC_AUTHORITY = (
        acv.BodyKind.PUBLIC_AUTHORITY.value,
        _("A council or other public body (not a parish council)"),
    )
    OTHER = acv.BodyKind.OTHER.value, _("Something else, such as a company or one person")


class Decision(models.TextChoices):
    LISTED = "listed", _("Listed")
    NOT_LISTED = "not_listed", _("Not listed")


class Asset(models.Model):
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind of place"), max_length=20, choices=AssetKind.choices)
    council = models.ForeignKey(
        "places.Council", on_delete=models.PROTECT, related_name="assets", verbose_name=_("council")
    )
    ward = models.ForeignKey(
        "places.Ward",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("ward"),
    )
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    description = models.TextField(_("why it matters"), blank=True)
    # Initiatives about this place: the link lives here because initiatives sit below the
    # directory in the layers (an initiative's page shows it through a template tag).
    initiatives = models.ManyToManyField(
        "initiatives.Initiative", blank=True, related_name="assets", verbose_name=_("initiatives")
    )
    acv_status = models.CharField(
        _("community value"),
        max_length=12,
        choices=AcvStatus.choices,
        default=AcvStatus.MAPPED,
        db_index=True,
    )
    # When the council entered it on its list (the latest listing); the end is acv.listing_end.
    listed_at = models.DateTimeField(_("listed"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets_added",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["council", "acv_status"], name="asset_council_status")]
        verbose_name = _("place that matters")
        verbose_name_plural = _("places that matter")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assets:detail", kwargs={"pk": self.pk})

    @property
    def listing_end(self) -> datetime.date | None:
        """The last day of the listing (acv.listing_end), or None when it is not listed."""
        if self.acv_status != AcvStatus.LISTED or self.listed_at is None:
            return None
        return acv.listing_end(self.listed_at)

    @property
    def is_listed(self) -> bool:
        end = self.listing_end
        return end is not None and timezone.localdate() <= end


class Nomination(models.Model):
    """A community nomination sent to the council, with what the body declared about itself."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="nominations")
    # The nominating group, and its name as it was (the council's record outlives the group).
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acv_nominations",
        verbose_name=_("nominating group"),
    )
    group_name = models.CharField(_("name of the group"), max_length=150)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body_kind = models.CharField(_("kind of body"), max_length=30, choices=BodyKind.choices)
    local_electors = models.PositiveIntegerField(_("members on the local electoral register"))
    distributes_surplus = models.BooleanField(_("shares its surplus among members"), default=False)
    reasons = models.TextField(_("how the place furthers the community's wellbeing"))
    declared_at = models.DateTimeField(_("declaration made"))
    received_at = models.DateTimeField(_("received by the council"))
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, blank=True, default=""
    )
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["decision", "received_at"], name="nomination_waiting")]

    def __str__(self) -> str:
        return f"Nomination {self.pk} of {self.asset_id}"

    @property
    def deadline(self) -> datetime.date:
        return acv.nomination_decision_deadline(self.received_at)

    @property
    def is_overdue(self) -> bool:
        """Waiting for a decision after the eight weeks ended."""
        return not self.decision and timezone.localdate() > self.deadline

    @property
    def decided_in_time(self) -> bool | None:
        if self.decided_at is None:
            return None
        return acv.decided_in_time(self.received_at, self.decided_at)


class SaleNotice(models.Model):
    """The owner's written notice that they wish to sell listed land (section 95(2))."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="sale_notices")
    received_at = models.DateTimeField(_("received by the council"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When followers were told that the moratorium, and then the protected period, ended
    # (`tell_acv_moratorium_ends`), so each is told once.
    moratorium_end_told_at = models.DateTimeField(null=True, blank=True)
    protected_end_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Notice of sale {self.pk} of {self.asset_id}"

    def first_bid_request_at(self, requests: list[BidderRequest]) -> datetime.datetime | None:
        """The first request that came within the interim moratorium, if any."""
        in_time = [
            r.received_at
            for r in requests
            if acv.bidder_request_in_time(self.received_at, r.received_at)
        ]
        return min(in_time) if in_time else None

    def dates(self) -> acv.MoratoriumDates:
        """The dates that matter (acv.moratorium_dates); reads `bidder_requests` (prefetch it)."""
        return acv.moratorium_dates(
            self.received_at, self.first_bid_request_at(list(self.bidder_requests.all()))
        )


class BidderRequest(models.Model):
    """A community interest group's written request to be treated as a potential bidder."""

    notice = models.ForeignKey(SaleNotice, on_delete=models.CASCADE, related_name="bidder_requests")
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acv_bidder_requests",
    )
    group_name = models.CharField(_("name of the group"), max_length=150)
    received_at = models.DateTimeField(_("received by the council"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"Request to bid {self.pk} by {self.group_name}"
