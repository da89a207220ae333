"""Site admins manage venues (and can see events) in the Django admin."""

from django.contrib import admin

from grassroots.events.models import ActionItem, Event, Minutes, Rsvp, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
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


class ActionItemInline(admin.TabularInline[ActionItem, Event]):
    model = ActionItem
    extra = 0
    raw_id_fields = ("owner", "created_by")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
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
    inlines = [RsvpInline, ActionItemInline]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin[Minutes]):
    list_display = ("event", "published_at")
    raw_id_fields = ("event", "written_by")
