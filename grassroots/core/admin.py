from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from grassroots.core.models import AuditEntry, TaskOutbox


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "actor", "action", "summary"]
    list_select_related = ["actor"]  # one query for the page, not one per entry's actor
    list_filter = ["action"]
    search_fields = ["summary", "object_id"]
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "summary",
        "data",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(TaskOutbox)
class TaskOutboxAdmin(admin.ModelAdmin[TaskOutbox]):
    """Tasks waiting for Redis (core/taskqueue.py): to see, or delete one that can never run."""

    list_display = ["created_at", "task_path", "attempts", "last_error"]
    readonly_fields = [
        "key",
        "task_path",
        "args",
        "kwargs",
        "queue_name",
        "priority",
        "run_after",
        "created_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TaskOutbox | None = None) -> bool:
        return False
