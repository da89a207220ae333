"""The four kinds of thing that can be reported, and what moderation needs to know about each.

Kinds as they appear in addresses: `reply` (a conversations.Post), `conversation`,
`initiative` and `event`. Every question here (may this person see it, is it safeguarded,
whose is it, which council's is it) is answered by the owning app's own rule where there is
one, so moderation never invents a second definition of "visible".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.conversations import visibility as conversation_visibility
from grassroots.conversations.models import Conversation, Post
from grassroots.conversations.selectors import post_url
from grassroots.events.models import Event
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus
from grassroots.places.models import Council, CouncillorTerm

KINDS: dict[str, type[models.Model]] = {
    "reply": Post,
    "conversation": Conversation,
    "initiative": Initiative,
    "event": Event,
}
# The foreign key on Report/SafeguardingConcern that holds each kind.
FIELD_FOR_KIND = {
    "reply": "post",
    "conversation": "conversation",
    "initiative": "initiative",
    "event": "event",
}


def kind_of(item: models.Model) -> str:
    for kind, model in KINDS.items():
        if isinstance(item, model):
            return kind
    raise ValueError(f"{item!r} cannot be reported")


def is_hidden(item: Any) -> bool:
    return getattr(item, "hidden_at", None) is not None


def _load(kind: str, pk: int) -> Any:
    if kind == "reply":
        return (
            Post.objects.select_related(
                "author", "conversation__initiative", "conversation__group", "conversation__ward"
            )
            .filter(pk=pk)
            .first()
        )
    if kind == "conversation":
        return (
            Conversation.objects.select_related("initiative", "group", "ward", "started_by")
            .filter(pk=pk)
            .first()
        )
    if kind == "initiative":
        return Initiative.objects.select_related("created_by").filter(pk=pk).first()
    if kind == "event":
        return (
            Event.objects.select_related("initiative", "group", "ward", "councillor", "venue")
            .filter(pk=pk)
            .first()
        )
    return None


def _event_visible(user: Viewer, event: Event) -> bool:
    # An event shares its host initiative's visibility; other hosts are public.
    if event.initiative_id is not None:
        assert event.initiative is not None
        return initiative_visibility.can_view(user, event.initiative)
    return True


def can_see(user: Viewer, item: Any) -> bool:
    """May `user` see `item` as the public pages show it (hidden and held things excluded)?"""
    if is_hidden(item):
        return False
    if isinstance(item, Post):
        if item.held_for_review or item.removed_by_author_at is not None:
            return False
        return can_see(user, item.conversation)
    if isinstance(item, Conversation):
        return conversation_visibility.can_view(user, item)
    if isinstance(item, Initiative):
        return initiative_visibility.can_view(user, item)
    if isinstance(item, Event):
        return _event_visible(user, item)
    return False


def visible_target(user: Viewer, kind: str, pk: int) -> Any | None:
    """The item if it exists and `user` may see it; None otherwise (the caller answers 404)."""
    if kind not in KINDS:
        return None
    item = _load(kind, pk)
    if item is None or not can_see(user, item):
        return None
    return item


def load_target(kind: str, pk: int) -> Any | None:
    """The item whatever its state (for moderators' pages, which check safeguarding themselves)."""
    return _load(kind, pk) if kind in KINDS else None


def is_safeguarded(item: Any) -> bool:
    """Does `item` belong to safeguarded content (which moderators may never see)?"""
    if isinstance(item, Post):
        return is_safeguarded(item.conversation)
    if isinstance(item, Conversation):
        return bool(
            item.is_safeguarded or (item.initiative is not None and item.initiative.is_safeguarded)
        )
    if isinstance(item, Initiative):
        return item.is_safeguarded
    if isinstance(item, Event):
        return item.initiative is not None and item.initiative.is_safeguarded
    return False


def _initiative_council(initiative: Initiative) -> Council | None:
    ward = initiative.wards.select_related("council").order_by("pk").first()
    return ward.council if ward is not None else None


def council_of(item: Any) -> Council | None:
    """The council whose safeguarding contacts are told about `item`."""
    if isinstance(item, Post):
        return council_of(item.conversation)
    if isinstance(item, Conversation):
        if item.ward is not None:
            return item.ward.council
        if item.group is not None:
            return item.group.council
        return _initiative_council(item.initiative) if item.initiative is not None else None
    if isinstance(item, Initiative):
        return _initiative_council(item)
    if isinstance(item, Event):
        if item.ward is not None:
            return item.ward.council
        if item.group is not None:
            return item.group.council
        if item.initiative is not None:
            return _initiative_council(item.initiative)
        if item.venue is not None and item.venue.council_id is not None:
            return item.venue.council
        if item.councillor_id is not None:
            term = (
                CouncillorTerm.objects.current()
                .filter(councillor_id=item.councillor_id)
                .select_related("ward__council")
                .first()
            )
            return term.ward.council if term is not None else None
    return None


def authors_of(item: Any) -> list[User]:
    """Who is told when a moderator hides or restores `item`."""
    if isinstance(item, Post):
        return [item.author] if item.author is not None else []
    if isinstance(item, Conversation):
        return [item.started_by] if item.started_by is not None else []
    if isinstance(item, Initiative):
        leads = [
            m.user
            for m in item.memberships.filter(
                role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            ).select_related("user")
        ]
        return leads or [item.created_by]
    if isinstance(item, Event):
        return [item.created_by] if item.created_by is not None else []
    return []


def _url(item: Any) -> str:
    try:
        url: str = item.get_absolute_url()
    except NoReverseMatch:
        return ""
    return url


@dataclass(frozen=True)
class Description:
    kind_label: str
    title: str
    text: str
    url: str


def describe(item: Any) -> Description:
    """A plain description of `item` for queues, emails and notifications."""
    if isinstance(item, Post):
        base = _url(item.conversation)
        return Description(
            _("Reply"),
            _("Reply by %(name)s in “%(question)s”")
            % {
                "name": item.author.public_name if item.author else _("a former member"),
                "question": item.conversation.question,
            },
            item.body,
            post_url(item) if base else "",
        )
    if isinstance(item, Conversation):
        return Description(_("Conversation"), item.question, item.description, _url(item))
    if isinstance(item, Initiative):
        return Description(_("Initiative"), item.title, item.problem, _url(item))
    if isinstance(item, Event):
        return Description(_("Event"), item.title, item.description, _url(item))
    raise ValueError(f"{item!r} cannot be reported")


def notify_scope(item: Any) -> dict[str, Any]:
    """The `initiative=`/`conversation=` arguments notify() needs to keep `item` private."""
    if isinstance(item, Post):
        return {"conversation": item.conversation}
    if isinstance(item, Conversation):
        return {"conversation": item}
    if isinstance(item, Initiative):
        return {"initiative": item}
    if isinstance(item, Event) and item.initiative is not None:
        return {"initiative": item.initiative}
    return {}
