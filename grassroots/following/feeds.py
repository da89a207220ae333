"""Atom feeds of public activity for a ward, an initiative and a group.

Each feed gathers new initiatives, progress updates, changes of stage, new conversations and
upcoming events, newest first. Feeds are public documents (readers and caches fetch them
without signing in), so they hold public content only, whoever asks: never anything about a
safeguarded initiative or conversation (a safeguarded initiative's feed is a 404, like a
missing one), nothing a moderator has hidden, no cancelled events. Every source is read with
its own bounded query (FEED_SIZE rows at most), so a feed costs the same whatever the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from grassroots.conversations.models import Conversation
from grassroots.conversations.visibility import visible_conversations
from grassroots.core.times import govuk_datetime
from grassroots.events.models import Event
from grassroots.events.visibility import visible_events
from grassroots.groups.models import Group
from grassroots.initiatives.browse import public_initiatives
from grassroots.initiatives.models import (
    Initiative,
    InitiativeWard,
    Stage,
    StageChange,
    Update,
)
from grassroots.places import selectors as places_selectors
from grassroots.places.models import Ward

FEED_SIZE = 50
DESCRIPTION_LENGTH = 600


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    description: str
    link: str
    when: datetime.datetime


def _url(obj: Any) -> str:
    try:
        return str(obj.get_absolute_url())
    except NoReverseMatch:  # a page another part of the site has not built yet
        return "/"


def _short(text: str) -> str:
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def _when(moment: datetime.datetime) -> str:
    return govuk_datetime(moment, weekday=True)


# --- Sources: each returns at most FEED_SIZE items, with one query. ----------------------------


def new_initiatives(initiatives: QuerySet[Initiative]) -> list[Item]:
    return [
        Item(
            guid=f"initiative-{i.pk}",
            title=_("New initiative: %(title)s") % {"title": i.title},
            description=_short(i.problem),
            link=i.get_absolute_url(),
            when=i.created_at,
        )
        for i in initiatives.order_by("-created_at", "-pk")[:FEED_SIZE]
    ]


def updates(initiatives: QuerySet[Initiative]) -> list[Item]:
    rows = (
        Update.objects.filter(initiative__in=initiatives.values("pk"))
        .select_related("initiative")
        .order_by("-created_at", "-pk")[:FEED_SIZE]
    )
    return [
        Item(
            guid=f"update-{u.pk}",
            title=_("Progress on %(title)s") % {"title": u.initiative.title},
            description=_short(u.text),
            link=u.initiative.get_absolute_url(),
            when=u.created_at,
        )
        for u in rows
    ]


def stage_changes(initiatives: QuerySet[Initiative]) -> list[Item]:
    rows = (
        StageChange.objects.filter(initiative__in=initiatives.values("pk"))
        .exclude(from_stage="")
        .select_related("initiative")
        .order_by("-changed_at", "-pk")[:FEED_SIZE]
    )
    return [
        Item(
            guid=f"stage-{c.pk}",
            title=_("%(title)s is now at the stage: %(stage)s")
            % {"title": c.initiative.title, "stage": Stage(c.to_stage).label},
            description=_short(c.note),
            link=c.initiative.get_absolute_url(),
            when=c.changed_at,
        )
        for c in rows
    ]


def conversations(where: Q) -> list[Item]:
    rows = (
        visible_conversations(None, Conversation.objects.filter(where))
        .filter(hidden_at__isnull=True)
        .order_by("-created_at", "-pk")[:FEED_SIZE]
    )
    return [
        Item(
            guid=f"conversation-{c.pk}",
            title=_("New conversation: %(question)s") % {"question": c.question},
            description=_short(c.description),
            link=_url(c),
            when=c.created_at,
        )
        for c in rows
    ]


def upcoming_events(where: Q) -> list[Item]:
    # As an anonymous visitor sees them: the events' own rule leaves out hidden events and the
    # events of safeguarded or hidden initiatives.
    rows = (
        visible_events(AnonymousUser(), Event.objects.filter(where))
        .filter(cancelled_at__isnull=True, starts_at__gte=timezone.now())
        .order_by("starts_at", "pk")[:FEED_SIZE]
    )
    return [
        Item(
            guid=f"event-{e.pk}",
            title=_("%(title)s, %(when)s") % {"title": e.title, "when": _when(e.starts_at)},
            description=_short(e.description),
            link=_url(e),
            when=e.created_at,
        )
        for e in rows
    ]


def newest(*sources: list[Item]) -> list[Item]:
    items = [item for source in sources for item in source]
    items.sort(key=lambda item: (item.when, item.guid), reverse=True)
    return items[:FEED_SIZE]


def ward_activity(ward: Ward) -> list[Item]:
    in_ward = public_initiatives().filter(
        Exists(InitiativeWard.objects.filter(initiative=OuterRef("pk"), ward=ward))
    )
    return newest(
        new_initiatives(in_ward),
        updates(in_ward),
        stage_changes(in_ward),
        conversations(Q(ward=ward) | Q(initiative__in=in_ward.values("pk"))),
        upcoming_events(Q(ward=ward) | Q(initiative__in=in_ward.values("pk"))),
    )


def initiative_activity(initiative: Initiative) -> list[Item]:
    just_this = public_initiatives().filter(pk=initiative.pk)
    return newest(
        new_initiatives(just_this),
        updates(just_this),
        stage_changes(just_this),
        conversations(Q(initiative=initiative)),
        upcoming_events(Q(initiative=initiative)),
    )


def group_activity(group: Group) -> list[Item]:
    return newest(conversations(Q(group=group)), upcoming_events(Q(group=group)))


# --- The feeds. ------------------------------------------------------------------------------


class _ActivityFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        return item.description

    def item_link(self, item: Item) -> str:
        return item.link

    def item_guid(self, item: Item) -> str:
        return item.guid

    def item_guid_is_permalink(self, item: Item) -> bool:
        return False

    def item_pubdate(self, item: Item) -> datetime.datetime:
        return item.when

    def item_updateddate(self, item: Item) -> datetime.datetime:
        return item.when


class WardFeed(_ActivityFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Ward:
        ward = places_selectors.ward_detail(council_slug=kwargs["council"], slug=kwargs["slug"])
        if ward is None:
            raise Http404
        return ward

    def title(self, obj: Ward) -> str:
        return _("News from %(ward)s ward") % {"ward": obj.name}

    def link(self, obj: Ward) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Ward) -> str:
        return _(
            "New initiatives, progress, changes of stage, conversations and upcoming events in "
            "%(ward)s, %(council)s."
        ) % {"ward": obj.name, "council": obj.council.name}

    def items(self, obj: Ward) -> list[Item]:
        return ward_activity(obj)


class InitiativeFeed(_ActivityFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Initiative:
        # Public initiatives only, whoever asks: the same 404 for safeguarded and missing ones.
        initiative = public_initiatives().filter(slug=kwargs["slug"]).first()
        if initiative is None:
            raise Http404
        return initiative

    def title(self, obj: Initiative) -> str:
        return _("News from %(title)s") % {"title": obj.title}

    def link(self, obj: Initiative) -> str:
        return obj.get_absolute_url()

    def subtitle(self, obj: Initiative) -> str:
        return _("Progress, changes of stage, conversations and upcoming events.")

    def items(self, obj: Initiative) -> list[Item]:
        return initiative_activity(obj)


class GroupFeed(_ActivityFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Group:
        group = Group.objects.filter(slug=kwargs["slug"]).first()
        if group is None:
            raise Http404
        return group

    def title(self, obj: Group) -> str:
        return _("News from %(name)s") % {"name": obj.name}

    def link(self, obj: Group) -> str:
        return _url(obj)

    def subtitle(self, obj: Group) -> str:
        return _("New conversations and upcoming events of %(name)s.") % {"name": obj.name}

    def items(self, obj: Group) -> list[Item]:
        return group_activity(obj)
