"""The move of agreed actions (conversations) and action items (events) into one model: every
row, with all its fields and times, lands in actions.ActionItem, the audit log follows it, and
going back puts the rows where they were."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.core.tests.migrations import migrate, migrate_to_latest

# It migrates the test database back and forward: make test runs it once, on PostgreSQL
# (docs/decisions/0019-slow-tests-once.md).
pytestmark = pytest.mark.data_migration

# The new table exists, empty; the old ones still hold the rows.
BEFORE = [
    ("actions", "0001_initial"),
    ("conversations", "0004_conversation_access_backfill"),
    ("events", "0001_initial"),
    ("core", "0001_initial"),
]
AFTER = [
    ("conversations", "0005_delete_agreedaction"),
    ("events", "0002_delete_actionitem"),
    ("actions", "0002_copy_agreed_actions_and_action_items"),
]

CREATED = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
DONE = CREATED + datetime.timedelta(days=3)
CHANGED = CREATED + datetime.timedelta(days=5)


@pytest.mark.django_db(transaction=True)
def test_every_action_moves_with_its_fields_times_and_audit_entries() -> None:
    try:
        apps = migrate(BEFORE)
        User = apps.get_model("accounts", "User")
        Conversation = apps.get_model("conversations", "Conversation")
        AgreedAction = apps.get_model("conversations", "AgreedAction")
        Event = apps.get_model("events", "Event")
        OldItem = apps.get_model("events", "ActionItem")
        AuditEntry = apps.get_model("core", "AuditEntry")
        host = User.objects.create(email="host@example.org")
        owner = User.objects.create(email="owner@example.org")
        ward = apps.get_model("places", "Ward").objects.create(
            council=apps.get_model("places", "Council").objects.create(
                name="Riverside Council", slug="riverside", gss_code="E07000001"
            ),
            name="Riverside",
            slug="riverside",
            gss_code="E05000001",
        )
        conversation = Conversation.objects.create(ward=ward, question="A bench?")
        event = Event.objects.create(
            ward=ward,
            title="Ward meeting",
            starts_at=CREATED,
            ends_at=CREATED + datetime.timedelta(hours=2),
        )
        agreed_open = AgreedAction.objects.create(
            conversation=conversation,
            what="Ask Parks",
            owner=owner,
            due_on=datetime.date(2027, 1, 31),
            created_by=host,
        )
        AgreedAction.objects.create(
            conversation=conversation, what="Measure", owner_name="The caretaker", done_at=DONE
        )
        item_going = OldItem.objects.create(
            event=event, what="Book the hall", owner=owner, status="in_progress", created_by=host
        )
        OldItem.objects.create(event=event, what="Count bins", status="done")
        AgreedAction.objects.update(created_at=CREATED)
        OldItem.objects.update(created_at=CREATED, updated_at=CHANGED)
        for label, row in [
            ("conversations.agreedaction", agreed_open),
            ("events.actionitem", item_going),
        ]:
            AuditEntry.objects.create(
                action="x", object_type=label, object_id=str(row.pk), summary=row.what
            )

        apps = migrate(AFTER)
        ActionItem = apps.get_model("actions", "ActionItem")
        AuditEntry = apps.get_model("core", "AuditEntry")
        assert ActionItem.objects.count() == 4
        fields = (
            "conversation_id",
            "event_id",
            "owner_id",
            "owner_name",
            "due_on",
            "status",
            "done_at",
            "created_by_id",
            "created_at",
            "updated_at",
        )
        rows = {
            item.what: tuple(getattr(item, f) for f in fields) for item in ActionItem.objects.all()
        }
        assert rows == {
            "Ask Parks": (
                conversation.pk,
                None,
                owner.pk,
                "",
                datetime.date(2027, 1, 31),
                "open",
                None,
                host.pk,
                CREATED,
                CREATED,
            ),
            "Measure": (
                conversation.pk,
                None,
                None,
                "The caretaker",
                None,
                "done",
                DONE,
                None,
                CREATED,
                DONE,
            ),
            "Book the hall": (
                None,
                event.pk,
                owner.pk,
                "",
                None,
                "in_progress",
                None,
                host.pk,
                CREATED,
                CHANGED,
            ),
            "Count bins": (None, event.pk, None, "", None, "done", CHANGED, None, CREATED, CHANGED),
        }
        # The audit log's entries now name the new rows.
        moved = dict(AuditEntry.objects.values_list("summary", "object_type"))
        assert moved == {"Ask Parks": "actions.actionitem", "Book the hall": "actions.actionitem"}
        for entry in AuditEntry.objects.all():
            assert ActionItem.objects.get(pk=int(entry.object_id)).what == entry.summary

        # Going back puts them where they were (ids may differ; the audit log follows).
        apps = migrate(BEFORE)
        AgreedAction = apps.get_model("conversations", "AgreedAction")
        OldItem = apps.get_model("events", "ActionItem")
        AuditEntry = apps.get_model("core", "AuditEntry")
        assert set(AgreedAction.objects.values_list("what", "done_at", "created_at")) == {
            ("Ask Parks", None, CREATED),
            ("Measure", DONE, CREATED),
        }
        assert set(OldItem.objects.values_list("what", "status", "created_at", "updated_at")) == {
            ("Book the hall", "in_progress", CREATED, CHANGED),
            ("Count bins", "done", CREATED, CHANGED),
        }
        back = {e.summary: (e.object_type, e.object_id) for e in AuditEntry.objects.all()}
        assert back["Ask Parks"] == (
            "conversations.agreedaction",
            str(AgreedAction.objects.get(what="Ask Parks").pk),
        )
        assert back["Book the hall"] == (
            "events.actionitem",
            str(OldItem.objects.get(what="Book the hall").pk),
        )
    finally:
        migrate_to_latest()
