"""Who may see a conversation: the one definition every surface uses.

An ordinary conversation is visible to everybody. A safeguarded one is visible only to the
people inside its host: for an initiative, its insiders as `initiatives.visibility` counts them
for a safeguarded initiative (members, people invited, supporting councillors), whether the
initiative itself is safeguarded or public; for a group, not everyone who joins it (an open
group lets anyone in) but its active organisers, the person who started the conversation and
the members the organisers have given access (`ConversationAccess`), while they stay active
members of the group. Someone holding a role that needs two-factor authentication sees no
safeguarded conversation until they have set it up.
A ward cannot host a safeguarded conversation (a database constraint keeps it so). A
conversation hosted by a safeguarded initiative is always safeguarded: services set the flag,
and this rule also follows the host, so the two can never disagree.

A conversation hosted by an initiative is never seen by anyone who may not see that initiative:
when a moderator hides the initiative, its conversations go with it (only its leads and the
moderators still see them), and they come back when it is restored. The initiative's own rule
(`initiatives.visibility`) decides; nothing here repeats it.

Everybody else gets what they would get for a conversation that does not exist: a 404, no row
in any list, count, feed or digest, and no notification. Always filter with
`visible_conversations()` or ask `can_view()`. A conversation a moderator has hidden itself is
left to the callers (lists drop it; its page is kept for its starter and the moderators).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from grassroots.accounts.selectors import ids_without_required_mfa, user_roles
from grassroots.conversations.models import Conversation, ConversationAccess
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import (
    Initiative,
    Visibility,
)
from grassroots.initiatives.visibility import can_view as initiative_can_view
from grassroots.initiatives.visibility import insider_condition, visible_initiatives
from grassroots.notifications.selectors import ids_of_active
from grassroots.notifications.selectors import insider_ids as initiative_insider_ids


def _private() -> Q:
    return Q(is_safeguarded=True) | Q(initiative__visibility=Visibility.SAFEGUARDED)


def _via_visible_initiative(user: Any) -> Q:
    """Hosted by an initiative `user` may see (safeguarded and hidden ones decided there)."""
    return Q(initiative__in=visible_initiatives(user, Initiative.objects.all()).values("pk"))


def visible_conversations(
    user: Any, queryset: QuerySet[Conversation] | None = None
) -> QuerySet[Conversation]:
    """The conversations `user` may know exist (anonymous users: ordinary ones only)."""
    qs = queryset if queryset is not None else Conversation.objects.all()
    of_initiative = _via_visible_initiative(user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.exclude(_private()).filter(Q(initiative__isnull=True) | of_initiative)
    via_group = _group_insider(user) if user_roles(user).may_be_inside else Q(pk__in=[])
    elsewhere = Q(initiative__isnull=True) & (Q(is_safeguarded=False) | via_group)
    # A safeguarded conversation of a public initiative: only the people inside that initiative
    # (the same insiders as for a safeguarded one), never every signed-in person.
    inside = Q(initiative__in=Initiative.objects.filter(insider_condition(user)).values("pk"))
    return qs.filter(elsewhere | (of_initiative & (Q(is_safeguarded=False) | inside)))


def _group_insider(user: Any) -> Q:
    """A safeguarded group conversation `user` is inside of: an active member of the group who
    organises it, started the conversation or was given access to it."""
    active = GroupMembership.objects.filter(
        group=OuterRef("group_id"), user=user, status=GroupMembershipStatus.ACTIVE
    )
    granted = ConversationAccess.objects.filter(conversation=OuterRef("pk"), user=user)
    return (
        Q(group__isnull=False)
        & Q(Exists(active))
        & (
            Q(Exists(active.filter(role=GroupRole.ORGANISER)))
            | Q(started_by=user)
            | Q(Exists(granted))
        )
    )


def can_view(user: Any, conversation: Conversation) -> bool:
    if not conversation.is_safeguarded:
        initiative = conversation.initiative
        if initiative is None:
            return True
        # The host initiative's rule, as it is (a hidden or safeguarded one asks the database).
        return initiative_can_view(user, initiative)
    return visible_conversations(user, Conversation.objects.filter(pk=conversation.pk)).exists()


def insider_ids(conversation: Conversation, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `conversation`, in a bounded number of queries."""
    ids = list(user_ids)
    initiative = conversation.initiative
    if initiative is not None:
        # The host initiative's own rule decides (safeguarded, hidden or neither). A safeguarded
        # conversation of a public initiative is for that initiative's insiders: the rule is
        # asked as if the initiative were safeguarded (a copy; nothing is saved).
        if conversation.is_safeguarded and not initiative.is_safeguarded:
            initiative = copy.copy(initiative)
            initiative.visibility = Visibility.SAFEGUARDED
        return set(initiative_insider_ids(initiative, ids))
    if not conversation.is_safeguarded or conversation.group_id is None:
        return ids_of_active(ids)
    # The bulk twin of _group_insider(): active members who organise, started it or were let in.
    granted = set(
        ConversationAccess.objects.filter(conversation=conversation, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    inside = set()
    for user_id, role in GroupMembership.objects.filter(
        group_id=conversation.group_id,
        user_id__in=ids,
        status=GroupMembershipStatus.ACTIVE,
        user__is_active=True,
    ).values_list("user_id", "role"):
        if (
            role == GroupRole.ORGANISER
            or user_id == conversation.started_by_id
            or user_id in granted
        ):
            inside.add(user_id)
    return inside - ids_without_required_mfa(inside)
