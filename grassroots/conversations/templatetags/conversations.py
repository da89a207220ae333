"""{% host_conversations host as found %}: a host's conversations for its page;
{% group_conversations group as conversations %}: the list on a group's page.

Used by `conversations/includes/for_host.html`, so a ward, initiative or group page includes
the list with one line and no change to its view. Costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from grassroots.accounts.types import viewer_in
from grassroots.conversations import selectors
from grassroots.conversations.models import Conversation
from grassroots.conversations.selectors import conversations_for
from grassroots.core import pagecache
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Ward

register = template.Library()


@dataclass
class HostConversations:
    rows: list[Conversation]
    total: int
    kept_as: tuple[pagecache.Part, ...] | None
    all_url: str
    can_start: bool
    start_url: str


@register.simple_tag(takes_context=True)
def host_conversations(context: template.Context, host: object) -> HostConversations:
    """{% host_conversations host as found %}: an initiative's, group's or ward's latest."""
    user = viewer_in(context)
    list_url = reverse("conversations:list")
    if isinstance(host, Initiative):
        found = conversations_for(user=user, initiative=host)
        all_url = f"{list_url}?{urlencode({'initiative': host.slug})}"
        kind, key = "initiative", host.slug
    elif isinstance(host, Group):
        found = conversations_for(user=user, group=host)
        all_url = f"{list_url}?{urlencode({'group': host.slug})}"
        kind, key = "group", host.slug
    elif isinstance(host, Ward):
        found = conversations_for(user=user, ward=host)
        query = {"council": host.council.slug, "ward": host.slug}
        all_url = f"{list_url}?{urlencode(query)}"
        kind, key = "ward", str(host.pk)
    else:
        return HostConversations([], 0, None, list_url, False, "")
    can_start = user.has_perm("conversations.start", host)
    start_url = reverse("conversations:start", kwargs={"kind": kind, "key": key})
    return HostConversations(found.rows, found.total, found.kept_as, all_url, can_start, start_url)


@register.simple_tag(takes_context=True)
def group_conversations(context: template.Context, group: Group) -> list[Conversation]:
    """{% group_conversations group as conversations %}: those the viewer may see."""
    return selectors.group_conversations(viewer_in(context), group)
