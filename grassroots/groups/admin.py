"""Groups in the admin site: site admins look groups up and correct their details.

Changes go through `services.group_update`, so they are in the audit log like an organiser's.
Memberships are shown but not edited here (joining, invitations and the last-organiser rule
live in the services and the group's own pages). Groups are neither added nor deleted here:
a group starts with its first organiser, and deleting one would delete its conversations and
events with it (moderators hide content instead).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from grassroots.groups import services
from grassroots.groups.models import Group, GroupMembership


class MembershipInline(admin.TabularInline[GroupMembership, Group]):
    model = GroupMembership
    fields = readonly_fields = ("user", "role", "status", "invited_by", "created_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin[Group]):
    list_display = ["name", "council", "joining", "created_at"]
    list_filter = ["joining", "council"]
    search_fields = ["name", "slug"]
    list_select_related = ["council"]
    fields = ["name", "slug", "council", "description", "joining", "wards", "created_by"]
    readonly_fields = ["slug", "council", "created_by"]
    filter_horizontal = ["wards"]
    inlines = [MembershipInline]

    def get_form(
        self, request: HttpRequest, obj: Group | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Group]]:
        form = super().get_form(request, obj, change, **kwargs)
        wards = form.base_fields.get("wards")
        if wards is not None and obj is not None:
            # Only the group's own council's wards (a national list would be unusable).
            wards.queryset = wards.queryset.filter(council=obj.council)  # type: ignore[attr-defined]
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Group, form: ModelForm[Group], change: bool
    ) -> None:
        services.group_update(
            group=obj,
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            joining=form.cleaned_data["joining"],
            wards=form.cleaned_data["wards"],
        )

    def save_related(
        self, request: HttpRequest, form: ModelForm[Group], formsets: Any, change: bool
    ) -> None:
        """The wards were set by the service; the membership inline is read-only."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
