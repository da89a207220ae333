"""Site admins manage the safeguarding contacts and the moderation settings here.

Reports and concerns are handled on the site's own pages (with their rules and audit log),
so they are not editable here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from grassroots.core.audit import audit_record
from grassroots.moderation.models import ModerationSettings, SafeguardingContact


@admin.register(SafeguardingContact)
class SafeguardingContactAdmin(admin.ModelAdmin[SafeguardingContact]):
    list_display = ("name", "email", "council", "user")
    list_filter = ("council",)
    search_fields = ("name", "email")
    raw_id_fields = ("user",)

    def save_model(
        self, request: HttpRequest, obj: SafeguardingContact, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="moderation.contact_save",
            obj=obj,
            summary=f"{'Changed' if change else 'Added'} safeguarding contact {obj.name}"
            f" for {obj.council}",
        )

    def delete_model(self, request: HttpRequest, obj: SafeguardingContact) -> None:
        audit_record(
            actor=request.user,
            action="moderation.contact_delete",
            obj=obj,
            summary=f"Removed safeguarding contact {obj.name} for {obj.council}",
        )
        super().delete_model(request, obj)


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin[ModerationSettings]):
    list_display = ("__str__", "hold_first_posts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row only (pk=1), created on first use.
        return not ModerationSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ModerationSettings, form: Any, change: bool
    ) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="moderation.settings_save",
            obj=obj,
            summary=f"Hold a new account's first {obj.hold_first_posts} replies",
            data={"hold_first_posts": obj.hold_first_posts},
        )
