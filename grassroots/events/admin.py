"""Site admins manage venues (and can see events) in the Django admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.events.models import Event, Minutes, Rsvp, Venue


class VenueAdminForm(forms.ModelForm[Venue]):
    """No new venue for an archived group (a venue it already has can still be corrected).
    The admin builds the fields from the model."""

    def clean_group(self) -> Any:
        group = self.cleaned_data.get("group")
        unchanged = self.instance.pk is not None and self.instance.group_id == getattr(
            group, "pk", None
        )
        if group is not None and group.archived_at is not None and not unchanged:
            raise forms.ValidationError(
                _("%(group)s is archived, so venues cannot be added for it") % {"group": group.name}
            )
        return group


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    form = VenueAdminForm
    list_display = ("name", "council", "ward", "group", "step_free", "hearing_loop")
    list_filter = ("step_free", "accessible_toilet", "hearing_loop", "parking", "quiet_room")
    search_fields = ("name", "postcode")
    raw_id_fields = ("group", "ward", "created_by")
    list_select_related = ("council", "ward", "group")


class RsvpInline(admin.TabularInline[Rsvp, Event]):
    model = Rsvp
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("joined_list_at",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    # A web address typed without a scheme is taken as https (Django 6's default, asked now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "kind", "starts_at", "cancelled_at", "hidden_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = (
        "group",
        "initiative",
        "ward",
        "councillor",
        "venue",
        "created_by",
        "hidden_by",
    )
    readonly_fields = ("uid", "sequence", "reminder_sent_at")
    # The actions app adds its inline of the event's action items (actions/admin.py).
    inlines = [RsvpInline]

    # `events.view_event` and `events.change_event` are also rules (events/rules.py: who may see
    # or run an event on the site), and User.has_perm lets the rules decide. The admin asks
    # Django's model permissions instead, as for every other model.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return ModelBackend().has_perm(request.user, "events.view_event") or (
            self.has_change_permission(request, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return ModelBackend().has_perm(request.user, "events.change_event")


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin[Minutes]):
    list_display = ("event", "published_at")
    raw_id_fields = ("event", "written_by")
