"""{% host_conversations host as found %}: a host's conversations for its page;
{% group_conversations group as conversations %}: the list on a group's page.

Used by `conversations/includes/for_host.html`, so a ward, initiative or group page includes
the list with one line and no change to its view. Costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from grassroots.accounts.types import Viewer
from grassroots.conversations import selectors
from grassroots.conversations.models import Conversation
from grassroots.conversations.selectors import conversations_for
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Ward

register = template.Library()


@dataclass
class HostConversations:
    rows: list[Conversation]
    total: int
    all_url: str
    can_start: bool
    start_url: str


@register.simple_tag(takes_context=True)
def host_conversations(context: template.Context, host: Any) -> HostConversations:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    list_url = reverse("conversations:list")
    if isinstance(host, Initiative):
        rows, total = conversations_for(user=user, initiative=host)
        all_url = f"{list_url}?{urlencode({'initiative': host.slug})}"
        kind, key = "initiative", host.slug
    elif isinstance(host, Group):
        rows, total = conversations_for(user=user, group=host)
        all_url = f"{list_url}?{urlencode({'group': host.slug})}"
        kind, key = "group", host.slug
    elif isinstance(host, Ward):
        rows, total = conversations_for(user=user, ward=host)
        query = {"council": host.council.slug, "ward": host.slug}
        all_url = f"{list_url}?{urlencode(query)}"
        kind, key = "ward", str(host.pk)
    else:
        return HostConversations([], 0, list_url, False, "")
    can_start = bool(user is not None and user.has_perm("conversations.start", host))
    start_url = reverse("conversations:start", kwargs={"kind": kind, "key": key})
    return HostConversations(rows, total, all_url, can_start, start_url)


@register.simple_tag(takes_context=True)
def group_conversations(context: template.Context, group: Group) -> list[Conversation]:
    """{% group_conversations group as conversations %}: those the viewer may see."""
    request = context.get("request")
    viewer: Viewer = getattr(request, "user", None) or context.get("user") or AnonymousUser()
    return selectors.group_conversations(viewer, group)
