"""Initiatives in the admin site: for looking things up only.

Every change to an initiative goes through its services (audit log, version check, the
back-seat rule, notifications), which the admin's forms would bypass, so nothing here edits.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from grassroots.initiatives.models import Initiative, Membership, Need, StageChange


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(_ReadOnly, admin.TabularInline[Membership, Initiative]):
    model = Membership
    fields = readonly_fields = ("user", "role", "status", "requested_at", "decided_at")
    extra = 0


class NeedInline(_ReadOnly, admin.TabularInline[Need, Initiative]):
    model = Need
    fields = readonly_fields = (
        "kind",
        "description",
        "status",
        "amount_pence",
        "volunteers_wanted",
    )
    extra = 0


class StageChangeInline(_ReadOnly, admin.TabularInline[StageChange, Initiative]):
    model = StageChange
    fields = readonly_fields = ("changed_at", "from_stage", "to_stage", "changed_by", "note")
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(_ReadOnly, admin.ModelAdmin[Initiative]):
    list_display = ["title", "stage", "theme", "visibility", "created_at"]
    list_filter = ["stage", "theme", "visibility"]
    search_fields = ["title", "slug"]
    inlines = [MembershipInline, NeedInline, StageChangeInline]
    readonly_fields = [
        "title",
        "slug",
        "problem",
        "change_wanted",
        "who_for",
        "theme",
        "area_description",
        "location_text",
        "latitude",
        "longitude",
        "visibility",
        "stage",
        "stage_changed_at",
        "created_by",
        "created_at",
        "updated_at",
        "version",
    ]
