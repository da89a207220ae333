"""Reads for action items: the list on a conversation's or an event's page, a person's open
actions for their dashboard, and who an event's action can be given to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.actions.models import ActionItem, ActionStatus
from grassroots.conversations import visibility as conversations
from grassroots.conversations.models import Conversation
from grassroots.core.request_cache import scoped
from grassroots.events.models import Event, RsvpStatus
from grassroots.events.rules import host_of
from grassroots.events.visibility import visible_events
from grassroots.groups.models import Group, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import Initiative, MemberRole, Membership, MembershipStatus
from grassroots.places.models import CouncillorTerm, Ward


def actions_of(parent: Conversation | Event) -> list[ActionItem]:
    """A conversation's agreed actions (open first as the conversation page always showed them)
    or an event's actions (by due date), each with its owner and its parent, in one query."""
    if isinstance(parent, Conversation):
        items = list(
            ActionItem.objects.filter(conversation=parent)
            .select_related("owner")
            .order_by("done_at", "due_on", "id")
        )
        for item in items:
            item.conversation = parent  # the rules ask about it: no query per item
        return items
    items = list(
        ActionItem.objects.filter(event=parent).select_related("owner").order_by("due_on", "id")
    )
    for item in items:
        item.event = parent
    return items


def _conversation_url(conversation: Conversation) -> str:
    try:
        return conversation.get_absolute_url()
    except NoReverseMatch:  # the conversation pages are not in this build
        return ""


@dataclass(frozen=True)
class YourAction:
    """One open action on the owner's dashboard, from a meeting or a conversation."""

    what: str
    due_on: datetime.date | None
    status: str
    source: str
    url: str
    item: ActionItem | None  # set when it is moved on from the dashboard (an event's)


@scoped
def your_actions(user: Viewer) -> list[YourAction]:
    """The open actions `user` owns, from meetings and conversations they may still see,
    soonest due first (one query)."""
    if not user.is_authenticated:
        return []
    items = (
        ActionItem.objects.filter(owner=user)
        .exclude(status=ActionStatus.DONE)
        .filter(
            Q(event__in=visible_events(user).values("pk"))
            | (Q(conversation__hidden_at__isnull=True) & conversations.of_visible(user))
        )
        .select_related("event", "conversation")
    )
    rows = []
    for item in items:
        if item.event is not None:
            rows.append(
                YourAction(
                    what=item.what,
                    due_on=item.due_on,
                    status=item.get_status_display(),
                    source=item.event.title,
                    url=item.event.get_absolute_url(),
                    item=item,
                )
            )
        elif item.conversation is not None:
            rows.append(
                YourAction(
                    what=item.what,
                    due_on=item.due_on,
                    status=str(ActionStatus.OPEN.label),
                    source=item.conversation.question,
                    url=_conversation_url(item.conversation),
                    item=None,
                )
            )
    far = datetime.date.max
    return sorted(rows, key=lambda r: (r.due_on or far, r.what))


def event_people(event: Event) -> list[User]:
    """Who an action can be given to: the people who said they were going, and the hosts."""
    going = User.objects.filter(rsvps__event=event, rsvps__status=RsvpStatus.GOING, is_active=True)
    host = host_of(event)
    if isinstance(host, Group):
        hosts = User.objects.filter(
            group_memberships__group=host,
            group_memberships__role=GroupRole.ORGANISER,
            group_memberships__status=GroupMembershipStatus.ACTIVE,
        )
    elif isinstance(host, Initiative):
        hosts = User.objects.filter(
            pk__in=Membership.objects.filter(
                initiative=host, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            ).values("user_id")
        )
    elif isinstance(host, Ward):
        hosts = User.objects.filter(
            councillor__terms__in=CouncillorTerm.objects.current().filter(ward=host)
        )
    else:
        hosts = User.objects.filter(councillor=host)
    people = (going | hosts).distinct().order_by("display_name", "pk")
    return list(people[:500])
