"""Who may see a conversation: the one definition every surface uses.

An ordinary conversation is visible to everybody. A safeguarded one is visible only to the
people inside its host: for an initiative, whoever may see that safeguarded initiative
(`initiatives.visibility`); for a group, its active members and organisers. A ward cannot
host a safeguarded conversation (a database constraint keeps it so). A conversation hosted by
a safeguarded initiative is always safeguarded: services set the flag, and this rule also
follows the host, so the two can never disagree.

Everybody else gets what they would get for a conversation that does not exist: a 404, no row
in any list, count, feed or digest, and no notification. Always filter with
`visible_conversations()` or ask `can_view()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from grassroots.conversations.models import Conversation
from grassroots.groups.models import GroupMembership, GroupMembershipStatus
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.visibility import visible_initiatives
from grassroots.notifications.selectors import ids_of_active
from grassroots.notifications.selectors import insider_ids as initiative_insider_ids


def _private() -> Q:
    return Q(is_safeguarded=True) | Q(initiative__visibility=Visibility.SAFEGUARDED)


def visible_conversations(
    user: Any, queryset: QuerySet[Conversation] | None = None
) -> QuerySet[Conversation]:
    """The conversations `user` may know exist (anonymous users: ordinary ones only)."""
    qs = queryset if queryset is not None else Conversation.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.exclude(_private())
    via_initiative = Q(initiative__isnull=False) & Q(
        initiative__in=visible_initiatives(user, Initiative.objects.all()).values("pk")
    )
    via_group = Q(group__isnull=False) & Q(
        Exists(
            GroupMembership.objects.filter(
                group=OuterRef("group_id"), user=user, status=GroupMembershipStatus.ACTIVE
            )
        )
    )
    return qs.filter(~_private() | via_initiative | via_group)


def can_view(user: Any, conversation: Conversation) -> bool:
    if not conversation.is_safeguarded and conversation.initiative_id is None:
        return True
    return visible_conversations(user, Conversation.objects.filter(pk=conversation.pk)).exists()


def insider_ids(conversation: Conversation, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `conversation`, in a bounded number of queries."""
    ids = list(user_ids)
    if conversation.initiative is not None:
        # Safeguarded or not, the host initiative's own rule decides (it is stricter or equal).
        return initiative_insider_ids(conversation.initiative, ids)
    if not conversation.is_safeguarded or conversation.group_id is None:
        return ids_of_active(ids)
    return set(
        GroupMembership.objects.filter(
            group_id=conversation.group_id,
            user_id__in=ids,
            status=GroupMembershipStatus.ACTIVE,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
