"""Venues in the community, and events held there or online (a councillor's surgery is one)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import Hideable
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council, Councillor, Ward


class Venue(models.Model):
    """A community place to meet, with the accessibility facts people need before they go."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="venues", verbose_name=_("council")
    )
    # A venue added by a group's organisers; site admins manage every venue.
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venues",
        verbose_name=_("added by group"),
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="venues"
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    parking = models.BooleanField(_("parking"), default=False)
    public_transport = models.BooleanField(_("near public transport"), default=False)
    quiet_room = models.BooleanField(_("quiet room"), default=False)
    accessibility_notes = models.TextField(_("more about access"), blank=True)
    opening_notes = models.TextField(_("opening times and notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:venue", kwargs={"pk": self.pk})


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Community meeting")
    SURGERY = "surgery", _("Councillor's surgery")
    ACTIVITY = "activity", _("Activity or volunteering session")


class Event(Hideable):
    # Exactly one host (a check constraint below keeps it so).
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    councillor = models.ForeignKey(
        Councillor, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(
        _("type of event"), max_length=10, choices=EventKind.choices, default=EventKind.MEETING
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    # Stored in UTC; entered and shown in Europe/London (settings.TIME_ZONE).
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        Venue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("venue"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    # None: no limit on places.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Calendar identity: the UID never changes; SEQUENCE goes up with each change (RFC 5545).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # Coming events in the lists' order: the end is in the key, so past ones are skipped in
            # the index without reading their rows (the lists ask ends_at >= now by starts_at).
            models.Index(
                fields=["starts_at", "id", "ends_at"],
                condition=Q(hidden_at__isnull=True),
                name="event_listed_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(group__isnull=False, initiative__isnull=True, ward__isnull=True)
                    & Q(councillor__isnull=True)
                )
                | (
                    Q(group__isnull=True, initiative__isnull=False, ward__isnull=True)
                    & Q(councillor__isnull=True)
                )
                | (
                    Q(group__isnull=True, initiative__isnull=True, ward__isnull=False)
                    & Q(councillor__isnull=True)
                )
                | (
                    Q(group__isnull=True, initiative__isnull=True, ward__isnull=True)
                    & Q(councillor__isnull=False)
                ),
                name="event_has_one_host",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})


class RsvpStatus(models.TextChoices):
    GOING = "going", _("Going")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Not going")


class Rsvp(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(max_length=10, choices=RsvpStatus.choices)
    # Waiting-list order: first come, first promoted.
    joined_list_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="rsvp_unique")]
        indexes = [models.Index(fields=["event", "status"], name="rsvp_event_status_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} for {self.event_id}"


class Minutes(models.Model):
    """What happened at the meeting, written up afterwards."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    decisions = models.TextField(_("decisions"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Minutes of {self.event_id}"
