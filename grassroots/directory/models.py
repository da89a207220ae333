"""The directory of local help, shaped after Open Referral UK 3.0's core.

Every record has a UUID primary key: the id the ORUK API publishes and the id an import from
another publisher matches on, so ids stay stable across exports and re-imports. Organisations
and services are *listings*, each with a `listing_status` (draft, suggested, approved,
archived); only approved ones are public (see `visibility.py`). Locations, contacts, schedules
and languages belong to services and are public through them.

`modified` is set on every save (`auto_now`), and is what the API's `modified_after` reads.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUGGESTED = "suggested", _("Suggested")
    APPROVED = "approved", _("Approved")
    ARCHIVED = "archived", _("Archived")


class OrganizationKind(models.TextChoices):
    CHARITY = "charity", _("Charity")
    COMMUNITY_GROUP = "community_group", _("Community group")
    FAITH_GROUP = "faith_group", _("Faith group")
    COUNCIL_SERVICE = "council_service", _("Council service")


class Need(models.TextChoices):
    """What a person needs help with: the directory's own short list of categories."""

    FOOD = "food", _("Food")
    MONEY = "money", _("Money and debt")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LONELINESS = "loneliness", _("Company and loneliness")
    FAMILY = "family", _("Children and families")
    WORK = "work", _("Work and learning")
    ADVICE = "advice", _("Advice and legal help")
    SAFETY = "safety", _("Safety and abuse")
    OTHER = "other", _("Something else")


class ServiceStatus(models.TextChoices):
    """Whether a service is running (ORUK's `status`), apart from whether it is listed."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class Record(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    modified = models.DateTimeField(_("last changed"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Organization(Record):
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=OrganizationKind.choices,
        default=OrganizationKind.COMMUNITY_GROUP,
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
        verbose_name=_("group on this site"),
    )
    # Who looks after the listing: asked once a year whether it is still correct.
    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
        verbose_name=_("owner"),
    )
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    # When the owner was last asked to re-confirm; asked again only after the next check.
    owner_asked_at = models.DateTimeField(_("owner asked"), null=True, blank=True)
    listing_status = models.CharField(
        _("listing status"),
        max_length=10,
        choices=ListingStatus.choices,
        default=ListingStatus.SUGGESTED,
        db_index=True,
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Service(Record):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    email = models.EmailField(_("email"), blank=True)
    who_for = models.TextField(_("who it is for"), blank=True)
    eligibility = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    cost = models.TextField(_("cost"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=False)
    how_to_access = models.TextField(_("how to access it"), blank=True)
    need = models.CharField(
        _("what it helps with"), max_length=20, choices=Need.choices, default=Need.OTHER
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    listing_status = models.CharField(
        _("listing status"),
        max_length=10,
        choices=ListingStatus.choices,
        default=ListingStatus.SUGGESTED,
        db_index=True,
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Location(Record):
    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("address line 1"), max_length=255, blank=True)
    address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("town or city"), max_length=120, blank=True)
    county = models.CharField(_("county"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, default="GB")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        # The distance search's bounding box: a range on latitude, then longitude, in one
        # B-tree (see docs/decisions/0010-directory-search.md).
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="directory_location_latlng"),
        ]

    def __str__(self) -> str:
        return self.name or self.postcode


class ServiceAtLocation(Record):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="directory_sal_once")
        ]

    def __str__(self) -> str:
        return str(f"{self.service_id} at {self.location_id}")


class Contact(Record):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("role"), max_length=255, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return str(self.name or self.title)


class Phone(Record):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=40)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.number)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Schedule(Record):
    """When a service is open: a weekday with opening and closing times, or just words."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, null=True, blank=True
    )
    opens_at = models.TimeField(_("opens"), null=True, blank=True)
    closes_at = models.TimeField(_("closes"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["weekday", "opens_at", "id"]

    def __str__(self) -> str:
        return str(self.description or f"{self.weekday} {self.opens_at}-{self.closes_at}")


class Language(Record):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(_("language"), max_length=100)
    code = models.CharField(_("code"), max_length=10, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return str(self.name)


# The editors' queue of suggestions, offers of help and places that matter live in their own
# modules; importing them here registers their models with the app.
from grassroots.directory import models_assets, models_offers, models_suggestions  # noqa: E402, F401
