"""Existing safeguarded group conversations: let in the people already inside them.

Until now every active member of the hosting group could see such a conversation. From here
on only the organisers, the starter and the members given access may; so that nobody taking
part loses their own conversation, the active members who have posted in it and the group's
active organisers are given access now.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def grant_existing(apps: Any, schema_editor: Any) -> None:
    Conversation = apps.get_model("conversations", "Conversation")
    ConversationAccess = apps.get_model("conversations", "ConversationAccess")
    Post = apps.get_model("conversations", "Post")
    GroupMembership = apps.get_model("groups", "GroupMembership")
    rows = []
    for conversation in Conversation.objects.filter(
        is_safeguarded=True, group__isnull=False
    ).iterator():
        active = GroupMembership.objects.filter(group_id=conversation.group_id, status="active")
        posters = set(
            Post.objects.filter(
                conversation=conversation,
                author_id__in=active.values("user_id"),
            ).values_list("author_id", flat=True)
        )
        organisers = set(active.filter(role="organiser").values_list("user_id", flat=True))
        rows += [
            ConversationAccess(conversation=conversation, user_id=user_id)
            for user_id in posters | organisers
        ]
    ConversationAccess.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_conversation_access"),
        ("groups", "0003_group_archived_at"),
    ]

    operations = [migrations.RunPython(grant_existing, migrations.RunPython.noop)]
