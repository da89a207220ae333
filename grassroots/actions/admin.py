"""Action items in the Django admin: an event's, on the page of their event (as before the two
kinds of action shared one model; a conversation's agreed actions have no admin page)."""

from __future__ import annotations

from django.contrib import admin

from grassroots.actions.models import ActionItem
from grassroots.events.admin import EventAdmin
from grassroots.events.models import Event


class ActionItemInline(admin.TabularInline[ActionItem, Event]):
    model = ActionItem
    fk_name = "event"
    extra = 0
    exclude = ("conversation",)
    raw_id_fields = ("owner", "created_by")


EventAdmin.inlines = [*EventAdmin.inlines, ActionItemInline]
