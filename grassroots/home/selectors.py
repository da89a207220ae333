"""Reads for the home page ("near you") and the site search.

This app is the top layer: it only asks the other apps' own selectors and visibility rules
(initiatives.visibility through browse, conversations.visibility through
conversation_list, events.visibility.visible_events through event_list), never re-implements them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.conversations import selectors as conversation_selectors
from grassroots.conversations import visibility as conversation_visibility
from grassroots.conversations.models import Conversation
from grassroots.core import pagecache
from grassroots.events import selectors as event_selectors
from grassroots.events import visibility as event_visibility
from grassroots.events.models import Event
from grassroots.groups import selectors as group_selectors
from grassroots.groups.models import Group
from grassroots.initiatives import browse
from grassroots.initiatives.search import words
from grassroots.places.models import Ward

# Rows per section on the home page and on the search page's summary.
SECTION_SIZE = 5
# Counts stop here ("more than 1,000"), so a common word never counts a whole table.
COUNT_LIMIT = 1000


@dataclass
class Section:
    """A few rows of one kind and how many match in all (up to COUNT_LIMIT; on the home page,
    which shows no counts, only the rows are counted)."""

    rows: list[Any] = field(default_factory=list)
    count: int = 0
    capped: bool = False
    # How the rows were kept for everybody in the same ward who sees the same things
    # (`pagecache.kept_as`, with the ids shown), so their HTML may be kept beside them.
    kept_as: tuple[pagecache.Part, ...] | None = None


def _section(queryset: QuerySet[Any], size: int = SECTION_SIZE) -> Section:
    rows = list(queryset[:size])
    if len(rows) < size:
        return Section(rows, len(rows))
    total = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    return Section(rows, min(total, COUNT_LIMIT), capped=total > COUNT_LIMIT)


def _initiatives(user: Viewer, filters: browse.ListFilters) -> Section:
    # The page is kept in the shared cache by browse itself (under the initiatives' answer).
    page = browse.initiative_page(user, filters, 1, per_page=SECTION_SIZE, count_limit=COUNT_LIMIT)
    return Section(
        list(page),
        min(page.paginator.count, COUNT_LIMIT),
        capped=page.paginator.capped,
        kept_as=page.kept_as,
    )


@dataclass
class NearYou:
    ward: Ward | None  # None: the whole area the site covers
    initiatives: Section
    events: Section
    conversations: Section


# The home page's sections are the same for everybody in one ward who sees the same things, so
# each is kept in the shared cache (core.pagecache.shared) for the page generation, keyed by the
# ward and by the visibility answer of its kind; nothing about the person asking is in them.

# Coming events are drawn for the start of a quarter hour (in the key), with spares: what has
# ended since is dropped when the section is read, so the list is right at any moment.
EVENTS_EVERY = datetime.timedelta(minutes=15)
EVENT_SPARES = SECTION_SIZE


def _ward(ward_id: int | None) -> Ward | None:
    """The ward (with its council) for its heading and links: its boundary is not needed."""
    if ward_id is None:
        return None

    def draw() -> Ward | None:
        wards = Ward.objects.current().select_related("council").defer("geometry")
        return wards.filter(pk=ward_id).first()

    return pagecache.shared("home.ward", (ward_id,), draw)


def _coming_events(user: Viewer, ward: Ward | None) -> Section:
    now = timezone.now()
    since = datetime.datetime.fromtimestamp(
        now.timestamp() // EVENTS_EVERY.total_seconds() * EVENTS_EVERY.total_seconds(),
        tz=datetime.UTC,
    )
    wanted = SECTION_SIZE + EVENT_SPARES

    def draw() -> tuple[Event, ...]:
        return tuple(event_selectors.event_list(user, ward=ward, now=since)[:wanted])

    asked: list[tuple[pagecache.Part, ...]] = []

    def parts() -> tuple[pagecache.Part, ...]:
        ward_id = ward.pk if ward is not None else None
        asked.append((ward_id, since.isoformat(), event_visibility.sharing_key(user)))
        return asked[-1]

    kept = pagecache.shared(
        "home.events", parts, draw, keep=lambda _: not event_visibility.sharing_key(user)
    )
    rows = [event for event in kept if event.ends_at >= now][:SECTION_SIZE]
    kept_as = pagecache.kept_as("home.events", asked[0]) if asked else None
    if len(rows) < SECTION_SIZE and len(kept) == wanted:
        # More than the spares have ended since the quarter began: ask again, as it is now.
        rows = list(event_selectors.event_list(user, ward=ward, now=now)[:SECTION_SIZE])
        kept_as = None
    if kept_as is not None:
        kept_as = (*kept_as, tuple(event.pk for event in rows))
    return Section(rows, len(rows), kept_as=kept_as)


def _open_conversations(user: Viewer, ward: Ward | None) -> Section:
    def draw() -> tuple[Conversation, ...]:
        listed = conversation_selectors.conversation_list(
            user, conversation_selectors.ListFilters(ward=ward, status="open")
        )
        # Without the starter's account row (the list shows its host, not who started it): a
        # shared value holds nothing about a person.
        listed = listed.select_related(None).select_related(
            "initiative", "ward", "ward__council", "group"
        )
        return tuple(listed[:SECTION_SIZE])

    asked: list[tuple[pagecache.Part, ...]] = []

    def parts() -> tuple[pagecache.Part, ...]:
        ward_id = ward.pk if ward is not None else None
        asked.append((ward_id, conversation_visibility.restricted_visible_ids(user)))
        return asked[-1]

    rows = list(
        pagecache.shared(
            "home.conversations",
            parts,
            draw,
            keep=lambda _: not conversation_visibility.restricted_visible_ids(user),
        )
    )
    kept_as = pagecache.kept_as("home.conversations", asked[0]) if asked else None
    return Section(rows, len(rows), kept_as=kept_as)


def near_you(user: Viewer) -> NearYou:
    """What is happening in the signed-in person's ward, or across the site's area otherwise.

    A person's ward comes from their private postcode; it is never shown to anyone else. It
    is in the key of each section kept for the ward, so only people of the same ward share
    them (and a ward's sections say nothing about who lives there).
    """
    ward = _ward(user.ward_id if isinstance(user, User) else None)
    return NearYou(
        ward=ward,
        initiatives=_initiatives(user, browse.ListFilters(ward=ward)),
        events=_coming_events(user, ward),
        conversations=_open_conversations(user, ward),
    )


def _every_word(fields: tuple[str, ...], terms: list[str]) -> Q:
    """Each word in at least one of the fields (case-insensitive)."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def search_terms(text: str) -> list[str]:
    return words(text)


def matching_conversations(user: Viewer, terms: list[str]) -> QuerySet[Conversation]:
    listed = conversation_selectors.conversation_list(user, conversation_selectors.ListFilters())
    return listed.filter(_every_word(("question", "description"), terms))


def matching_events(user: Viewer, terms: list[str]) -> QuerySet[Event]:
    """Coming events (not yet over), soonest first."""
    return event_selectors.event_list(user).filter(_every_word(("title", "description"), terms))


def matching_groups(terms: list[str]) -> QuerySet[Group]:
    # Groups are public; the groups list's own name search, so its link shows the same ones.
    return group_selectors.group_list(q=" ".join(terms))


@dataclass
class SearchResults:
    text: str
    initiatives: Section
    groups: Section
    conversations: Section
    events: Section

    @property
    def total(self) -> int:
        return sum(
            s.count for s in (self.initiatives, self.groups, self.conversations, self.events)
        )


def site_search(user: Viewer, text: str) -> SearchResults:
    """Everything `user` may see that matches every word of `text`: a few of each kind."""
    terms = search_terms(text)
    query = " ".join(terms)
    return SearchResults(
        text=query,
        initiatives=_initiatives(user, browse.ListFilters(text=query)),
        groups=_section(matching_groups(terms)),
        conversations=_section(matching_conversations(user, terms)),
        events=_section(matching_events(user, terms)),
    )
