"""Copy every agreed action (conversations) and every action item (events) into the one
ActionItem of this app, keeping all their fields and timestamps, and move the audit log's
entries about them to the new rows. Going back copies them the other way."""

from __future__ import annotations

from typing import Any

from django.db import migrations

AGREED = "conversations.agreedaction"
MINUTES_ITEM = "events.actionitem"
NEW = "actions.actionitem"


def _repoint(AuditEntry: Any, old_type: str, old_id: int, new_type: str, new_id: int) -> None:
    AuditEntry.objects.filter(object_type=old_type, object_id=str(old_id)).update(
        object_type=new_type, object_id=str(new_id)
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    AgreedAction = apps.get_model("conversations", "AgreedAction")
    OldItem = apps.get_model("events", "ActionItem")
    ActionItem = apps.get_model("actions", "ActionItem")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old in AgreedAction.objects.order_by("pk").iterator():
        new = ActionItem.objects.create(
            conversation_id=old.conversation_id,
            what=old.what,
            owner_id=old.owner_id,
            owner_name=old.owner_name,
            due_on=old.due_on,
            status="done" if old.done_at is not None else "open",
            done_at=old.done_at,
            created_by_id=old.created_by_id,
        )
        # auto_now_add / auto_now stamp "now" on create: put the old times back.
        ActionItem.objects.filter(pk=new.pk).update(
            created_at=old.created_at, updated_at=old.done_at or old.created_at
        )
        _repoint(AuditEntry, AGREED, old.pk, NEW, new.pk)
    for old in OldItem.objects.order_by("pk").iterator():
        new = ActionItem.objects.create(
            event_id=old.event_id,
            what=old.what,
            owner_id=old.owner_id,
            owner_name=old.owner_name,
            due_on=old.due_on,
            status=old.status,
            # The old model kept no time of completion: its last change is the best we know.
            done_at=old.updated_at if old.status == "done" else None,
            created_by_id=old.created_by_id,
        )
        ActionItem.objects.filter(pk=new.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        _repoint(AuditEntry, MINUTES_ITEM, old.pk, NEW, new.pk)


def backwards(apps: Any, schema_editor: Any) -> None:
    AgreedAction = apps.get_model("conversations", "AgreedAction")
    OldItem = apps.get_model("events", "ActionItem")
    ActionItem = apps.get_model("actions", "ActionItem")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for new in ActionItem.objects.order_by("pk").iterator():
        common = {
            "what": new.what,
            "owner_id": new.owner_id,
            "owner_name": new.owner_name,
            "due_on": new.due_on,
            "created_by_id": new.created_by_id,
        }
        if new.conversation_id is not None:
            done_at = new.done_at or (new.updated_at if new.status == "done" else None)
            old = AgreedAction.objects.create(
                conversation_id=new.conversation_id, done_at=done_at, **common
            )
            AgreedAction.objects.filter(pk=old.pk).update(created_at=new.created_at)
            _repoint(AuditEntry, NEW, new.pk, AGREED, old.pk)
        else:
            old = OldItem.objects.create(event_id=new.event_id, status=new.status, **common)
            OldItem.objects.filter(pk=old.pk).update(
                created_at=new.created_at, updated_at=new.updated_at
            )
            _repoint(AuditEntry, NEW, new.pk, MINUTES_ITEM, old.pk)
    ActionItem.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
