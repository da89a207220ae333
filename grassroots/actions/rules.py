"""Who may do what with action items (rules predicates; see tests/test_rules_actions.py).

The same answers as before conversations and events shared this model:

- `actions.add` takes the conversation or the event. In a conversation, its host records
  agreed actions while the conversation's group (if any) is not archived
  (`conversations.record_action`); at an event, whoever runs its host's events adds actions
  (`events.add_action`).
- `actions.update` takes the item: marking it done (a conversation's) or moving it on (an
  event's) is for its owner and for the conversation's host or the event's hosts, as long as
  they may still see the conversation or event. It stays open once a group is archived.
"""

from __future__ import annotations

from typing import Any

import rules

from grassroots.accounts.types import Viewer
from grassroots.actions.models import ActionItem
from grassroots.conversations import rules as conversation_rules
from grassroots.conversations.models import Conversation
from grassroots.events import rules as event_rules
from grassroots.events.models import Event


def _signed_in(user: Viewer) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def signed_in(user: Viewer) -> bool:
    return _signed_in(user)


@rules.predicate
def may_add(user: Viewer, parent: Any) -> bool:
    """For a conversation or an event: may record a new action there."""
    if isinstance(parent, Conversation):
        return bool(user.has_perm("conversations.record_action", parent))
    if isinstance(parent, Event):
        return bool(user.has_perm("events.add_action", parent))
    return False


@rules.predicate
def owns(user: Viewer, item: Any) -> bool:
    return isinstance(item, ActionItem) and _signed_in(user) and item.owner_id == user.pk


@rules.predicate
def sees_parent(user: Viewer, item: Any) -> bool:
    """May see the conversation or the event the item belongs to."""
    if not isinstance(item, ActionItem):
        return False
    if item.conversation_id is not None:
        return bool(conversation_rules.may_see(user, item.conversation))
    return bool(event_rules.can_see(user, item.event))


@rules.predicate
def hosts_parent(user: Viewer, item: Any) -> bool:
    """Hosts the conversation, or runs the event's host's events."""
    if not isinstance(item, ActionItem):
        return False
    if item.conversation_id is not None:
        return bool(conversation_rules.is_host(user, item.conversation))
    return bool(event_rules.is_host(user, item.event))


rules.add_perm("actions.add", signed_in & may_add)
rules.add_perm("actions.update", signed_in & sees_parent & (hosts_parent | owns))
