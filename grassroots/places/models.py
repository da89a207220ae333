"""Places (councils, wards, postcodes) and the councillors who represent them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.images import PrivateImageField
from grassroots.core.slugs import slug_constraints


class CouncilKind(models.TextChoices):
    # The first three characters of a council's GSS code tell its kind.
    UNITARY = "E06", _("Unitary authority")
    DISTRICT = "E07", _("District council")
    METROPOLITAN = "E08", _("Metropolitan borough")
    LONDON = "E09", _("London borough")
    WELSH = "W06", _("Welsh principal area")
    OTHER = "", _("Other")


class Council(models.Model):
    gss_code = models.CharField(_("GSS code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("Welsh name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=3, choices=CouncilKind.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = slug_constraints(model="council")
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:council", kwargs={"slug": self.slug})


class WardQuerySet(models.QuerySet["Ward"]):
    def current(self) -> WardQuerySet:
        """Wards that exist today (retired wards are kept for history only)."""
        return self.filter(retired_at__isnull=True)


class Ward(models.Model):
    gss_code = models.CharField(_("GSS code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("Welsh name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="wards", verbose_name=_("council")
    )
    # GeoJSON geometry (Polygon or MultiPolygon, lon/lat) and its bounding box for a cheap
    # pre-filter before shapely does the exact point-in-polygon test.
    geometry = models.JSONField(_("boundary"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    vintage = models.CharField(
        _("boundary vintage"), max_length=20, blank=True, help_text=_("For example WD13.")
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = WardQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "slug"],
                condition=Q(retired_at__isnull=True),
                name="ward_unique_current_slug_per_council",
            ),
            *slug_constraints(model="ward"),
        ]
        indexes = [
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="ward_bbox_idx")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:ward", kwargs={"council": self.council.slug, "slug": self.slug})

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class Postcode(models.Model):
    """A row of the ONS Postcode Directory that we can use for lookups."""

    # Unique and indexed through Meta, not unique=True and db_index=True: on PostgreSQL those
    # also add a second (LIKE) index to each, which no query uses and every import pays for.
    postcode = models.CharField(_("postcode"), max_length=8)  # "SW1A 1AA"
    ward_code = models.CharField(_("ward GSS code"), max_length=9, blank=True)
    council_code = models.CharField(_("council GSS code"), max_length=9, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    terminated_on = models.DateField(
        _("terminated"),
        null=True,
        blank=True,
        help_text=_(
            "Set for postcodes Royal Mail no longer uses; these are never used for lookups."
        ),
    )

    class Meta:
        ordering = ["postcode"]
        constraints = [
            models.UniqueConstraint(fields=["postcode"], name="places_postcode_unique"),
        ]
        indexes = [models.Index(fields=["ward_code"], name="places_postcode_ward_code")]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self) -> str:
        return self.postcode


def councillor_photo_path(instance: Councillor, filename: str) -> str:
    """Where a councillor's photo is stored: `filename` is already random (core.images)."""
    return f"councillors/{filename}"


class Councillor(models.Model):
    """An elected member: a public profile, linked to a user account once they have one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    party = models.CharField(_("party"), max_length=200, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    # Cleaned on save (random name, no metadata, scaled); served by the `councillor_photo` view.
    photo = PrivateImageField(
        _("photo"),
        upload_to=councillor_photo_path,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(_("photo description"), max_length=200, blank=True)
    biography = models.TextField(_("about"), blank=True)
    # Surgeries are events hosted by the councillor (events.Event, kind "surgery"): one source.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="councillor",
        verbose_name=_("user account"),
    )
    wards: models.ManyToManyField[Ward, CouncillorTerm] = models.ManyToManyField(
        Ward, through="CouncillorTerm", related_name="councillors", verbose_name=_("wards")
    )

    class Meta:
        ordering = ["name"]
        constraints = slug_constraints(model="councillor")
        verbose_name = _("councillor")
        verbose_name_plural = _("councillors")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:councillor", kwargs={"slug": self.slug})

    def get_photo_url(self) -> str:
        return reverse("places:councillor_photo", kwargs={"slug": self.slug})


class CouncillorTermQuerySet(models.QuerySet["CouncillorTerm"]):
    def current(self, on: datetime.date | None = None) -> CouncillorTermQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class CouncillorTerm(models.Model):
    """A councillor's term of office for one ward: the "councillor for ward X" role."""

    councillor = models.ForeignKey(
        Councillor, on_delete=models.CASCADE, related_name="terms", verbose_name=_("councillor")
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="terms", verbose_name=_("ward")
    )
    starts_on = models.DateField(_("start of term"))
    ends_on = models.DateField(_("end of term"), null=True, blank=True)

    objects = CouncillorTermQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("councillor term")
        verbose_name_plural = _("councillor terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="term_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["councillor", "ward", "starts_on"], name="term_unique_start"
            ),
        ]

    def __str__(self) -> str:
        end = f"{self.ends_on:%d %b %Y}" if self.ends_on else _("present")
        return f"{self.councillor} – {self.ward} ({self.starts_on:%d %b %Y} to {end})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)
