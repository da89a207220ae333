"""Template tags the pages of other apps use to show action items: `{% actions_of obj %}` on a
conversation's or an event's page, `{% your_actions %}` on the account dashboard. The apps below
this one show action items through these tags, never by importing this app."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.accounts.types import Viewer, viewer_in
from grassroots.actions.models import ActionItem, ActionStatus
from grassroots.actions.selectors import actions_of as select_actions_of
from grassroots.actions.selectors import your_actions as select_your_actions
from grassroots.conversations.models import Conversation
from grassroots.events.models import Event

register = template.Library()


def _may_update(user: Viewer, item: ActionItem) -> bool:
    """Whether the page offers to move `item` on: a conversation's agreed action until it is
    done ("Mark as done"); an event's at any time ("Update")."""
    if item.conversation_id is not None and item.status == ActionStatus.DONE:
        return False
    return bool(user.has_perm("actions.update", item))


@register.inclusion_tag("actions/includes/actions_of.html", takes_context=True)
def actions_of(context: template.Context, parent: Conversation | Event) -> dict[str, Any]:
    """The actions of a conversation or an event, each with whether the viewer may move it on,
    and whether the viewer may record a new one there."""
    user = viewer_in(context)
    return {
        "conversation": parent if isinstance(parent, Conversation) else None,
        "event": parent if isinstance(parent, Event) else None,
        "actions": [(item, _may_update(user, item)) for item in select_actions_of(parent)],
        "can_add": user.has_perm("actions.add", parent),
    }


@register.inclusion_tag("actions/includes/your_actions.html", takes_context=True)
def your_actions(context: template.Context) -> dict[str, Any]:
    """Open actions the signed-in person owns, from meetings and conversations, until done."""
    return {"actions": select_your_actions(viewer_in(context))}
