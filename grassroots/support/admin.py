from typing import Any

from django.contrib import admin

from grassroots.support.models import (
    AdvocacyCase,
    CaseMessage,
    CaseTransfer,
    HelpRequest,
    Invitation,
    Support,
)


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin[Support]):
    list_display = ("initiative", "councillor", "kind", "status", "offered_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("initiative", "councillor", "help_request", "feedback_by")
    list_select_related = ("initiative", "councillor")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("initiative", "councillor", "created_at")
    raw_id_fields = ("initiative", "councillor", "invited_by")
    list_select_related = ("initiative", "councillor")


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin[HelpRequest]):
    list_display = ("initiative", "kind", "status", "created_at", "taken_by", "overdue_since")
    list_filter = ("status", "kind")
    raw_id_fields = ("initiative", "requested_by", "taken_by")
    list_select_related = ("initiative", "taken_by")


class CaseMessageInline(admin.TabularInline[CaseMessage, AdvocacyCase]):
    model = CaseMessage
    extra = 0
    raw_id_fields = ("author",)


class CaseTransferInline(admin.TabularInline[CaseTransfer, AdvocacyCase]):
    """The case's moves between departments: history, written only by services.case_transfer."""

    model = CaseTransfer
    extra = 0
    fields = ("created_at", "from_department", "to_department", "reason", "by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AdvocacyCase)
class AdvocacyCaseAdmin(admin.ModelAdmin[AdvocacyCase]):
    list_display = ("pk", "department", "status", "decision", "wanted_by", "overdue_flagged_at")
    list_filter = ("status", "decision")
    raw_id_fields = ("support",)
    list_select_related = ("department",)
    inlines = (CaseTransferInline, CaseMessageInline)
