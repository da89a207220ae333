"""Daily and weekly digests: each person's waiting notifications in one email, grouped by place.

`notify()` marks a notification `awaiting_digest` when its recipient chose a digest for its
kind. `digests_send(frequency=...)` walks the people with something waiting for that digest
(kinds whose *current* setting is that frequency, so a change of mind or an unsubscribe takes
effect at once), a batch at a time in id order (keyset pagination: memory stays bounded
whatever the number of followers), and for each batch:

- reads the batch's waiting notifications in one query (plain rows, not model objects) and
  locks them (`SKIP LOCKED` on PostgreSQL, so two runs at once share the work instead of
  sending twice), then the people, and the initiatives, conversations, groups and wards they
  are about, one query each;
- drops any about an initiative or conversation the person can no longer see: safeguarded
  and they are not inside, or hidden by a moderator (the `viewers_of()` of
  initiatives and conversations: one query each for the whole batch);
- lists anything about a safeguarded initiative or conversation discreetly: one line saying
  there is news in a private group, and a link to the notification (`discreet.py`);
- builds one email per person, never an empty one, and queues them after the commit a few
  dozen to a task (`mailing.send_emails`), not one task each;
- marks them emailed in one UPDATE, so a second run finds nothing to send.

Its cost is a fixed number of queries per batch, whatever the number of people in it
(test_digests checks that); bench/digest.py measures it for 100,000 followers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.conversations import visibility as conversation_visibility
from grassroots.conversations.models import Conversation
from grassroots.groups.models import Group
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Initiative
from grassroots.notifications import discreet, unsubscribe
from grassroots.notifications.mailing import enqueue_after_commit
from grassroots.notifications.models import DIGESTS, Delivery, Notification, Preference
from grassroots.places.models import Ward

BATCH_SIZE = 500
# A digest lists this many notifications at most, then says how many more are on the site.
MAX_ITEMS = 100


@dataclass
class DigestRunResult:
    recipients: int = 0
    emails: int = 0
    notifications: int = 0
    skipped: int = 0


class Item(NamedTuple):
    """One waiting notification, as the digest needs it (a plain row: cheap to read)."""

    pk: int
    recipient_id: int
    text: str
    url: str
    initiative_id: int | None
    conversation_id: int | None
    group_id: int | None
    ward_id: int | None


_ITEM_FIELDS = (
    "id",
    "recipient_id",
    "text",
    "url",
    "initiative_id",
    "conversation_id",
    "group_id",
    "ward_id",
)


@dataclass
class Place:
    """One heading of a digest and the notifications under it."""

    key: str
    title: str
    url: str = ""
    items: list[Item] = field(default_factory=list)


def due(frequency: str) -> QuerySet[Notification]:
    """Notifications waiting for a `frequency` digest, as their recipients want it now."""
    if frequency not in DIGESTS:
        raise ValueError(f"No digest is sent {frequency!r}")
    wanted = Preference.objects.filter(
        user_id=OuterRef("recipient_id"), kind=OuterRef("kind"), delivery=frequency
    )
    if frequency != Delivery.DAILY:
        return Notification.objects.filter(awaiting_digest=True).filter(Exists(wanted))
    # News held back from "straight away" emails (one person's burst, bursts.py) waits for
    # the daily digest: anyone whose setting for its kind is still "straight away".
    not_at_once = Preference.objects.filter(
        user_id=OuterRef("recipient_id"), kind=OuterRef("kind")
    ).exclude(delivery=Delivery.IMMEDIATELY)
    return Notification.objects.filter(awaiting_digest=True).filter(
        Exists(wanted) | ~Exists(not_at_once)
    )


def recipient_batches(frequency: str, *, batch_size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Ids of people with a `frequency` digest waiting, `batch_size` at a time, by id."""
    last = 0
    queryset = due(frequency).order_by("recipient_id").values_list("recipient_id", flat=True)
    while True:
        ids = list(queryset.filter(recipient_id__gt=last).distinct()[:batch_size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _url_of(obj: Any) -> str:
    try:
        return str(obj.get_absolute_url())
    except NoReverseMatch:  # a page not built yet: the heading stands without a link
        return ""


PRIVATE = ("private", 0)
ELSEWHERE = ("elsewhere", 0)


@dataclass
class Places:
    """The initiatives, conversations, groups and wards a batch's notifications are about,
    fetched once for the batch (one query each)."""

    initiatives: dict[int, Any] = field(default_factory=dict)
    conversations: dict[int, Any] = field(default_factory=dict)
    groups: dict[int, Any] = field(default_factory=dict)
    wards: dict[int, Any] = field(default_factory=dict)
    # (kind, pk) -> (key, heading, link), worked out once per place for the whole batch.
    headings: dict[tuple[str, int], tuple[str, str, str]] = field(default_factory=dict)

    @classmethod
    def fetch(cls, items: Iterable[Item]) -> Places:
        ids: dict[str, set[int]] = {"i": set(), "c": set(), "g": set(), "w": set()}
        for item in items:
            for key, pk in (
                ("i", item.initiative_id),
                ("c", item.conversation_id),
                ("g", item.group_id),
                ("w", item.ward_id),
            ):
                if pk is not None:
                    ids[key].add(pk)
        places = cls()
        initiative_fields = ("title", "slug", "visibility", "hidden_at")
        if ids["i"]:
            places.initiatives = Initiative.objects.only(*initiative_fields).in_bulk(ids["i"])
        if ids["c"]:
            places.conversations = (
                Conversation.objects.select_related("initiative")
                .only(
                    "question",
                    "is_safeguarded",
                    "hidden_at",
                    "initiative",
                    "group",
                    "ward",
                    *(f"initiative__{name}" for name in initiative_fields),
                )
                .in_bulk(ids["c"])
            )
        if ids["g"]:
            places.groups = Group.objects.only("name", "slug").in_bulk(ids["g"])
        if ids["w"]:
            places.wards = (
                Ward.objects.select_related("council")
                .only("name", "slug", "council__slug")
                .in_bulk(ids["w"])
            )
        return places

    def initiative_of(self, item: Item) -> Any | None:
        if item.initiative_id is not None:
            return self.initiatives.get(item.initiative_id)
        conversation = self.conversation_of(item)
        if conversation is not None and conversation.initiative_id is not None:
            return conversation.initiative
        return None

    def conversation_of(self, item: Item) -> Any | None:
        if item.conversation_id is None:
            return None
        return self.conversations.get(item.conversation_id)

    def is_private(self, item: Item) -> bool:
        return discreet.is_private(self.initiative_of(item), self.conversation_of(item))

    def key_of(self, item: Item) -> tuple[str, int]:
        if self.is_private(item):
            return PRIVATE
        for name, pk in (
            ("conversation", item.conversation_id),
            ("initiative", item.initiative_id),
            ("group", item.group_id),
            ("ward", item.ward_id),
        ):
            if pk is not None:
                return (name, pk)
        return ELSEWHERE

    def heading(self, place_key: tuple[str, int]) -> tuple[str, str, str]:
        """(key, heading, link) of a place; "Elsewhere" if none (or no longer there)."""
        found = self.headings.get(place_key)
        if found is None:
            found = self.headings[place_key] = self._heading(*place_key)
        return found

    def _heading(self, name: str, pk: int) -> tuple[str, str, str]:
        if (name, pk) == PRIVATE:
            # Names nothing: which private group it is shows once the person signs in.
            return ("private", _("In private groups you are part of"), "")
        if name == "conversation" and (conversation := self.conversations.get(pk)):
            return (
                f"conversation-{pk}",
                _("Conversation: %(question)s") % {"question": conversation.question},
                conversation.get_absolute_url(),
            )
        if name == "initiative" and (initiative := self.initiatives.get(pk)):
            return (
                f"initiative-{pk}",
                _("Initiative: %(title)s") % {"title": initiative.title},
                initiative.get_absolute_url(),
            )
        if name == "group" and (group := self.groups.get(pk)):
            return (f"group-{pk}", _("Group: %(name)s") % {"name": group.name}, _url_of(group))
        if name == "ward" and (ward := self.wards.get(pk)):
            return (
                f"ward-{pk}",
                _("%(ward)s ward") % {"ward": ward.name},
                ward.get_absolute_url(),
            )
        return ("elsewhere", _("Elsewhere"), "")


def group_by_place(items: list[Item], places: Places) -> list[Place]:
    """Places in alphabetical order of heading, then private groups, "Elsewhere" last; oldest
    first within each."""
    grouped: dict[str, Place] = {}
    for item in items:
        key, title, url = places.heading(places.key_of(item))
        grouped.setdefault(key, Place(key=key, title=title, url=url)).items.append(item)
    last = ("private", "elsewhere")
    named = sorted((p for p in grouped.values() if p.key not in last), key=lambda p: p.title)
    return named + [grouped[key] for key in last if key in grouped]


def visible_items(items: list[Item], places: Places) -> list[Item]:
    """Leave out notifications about what their recipient can no longer see: a safeguarded
    initiative or conversation they are not inside, or an initiative hidden by a moderator
    (or a conversation it hosts). A fixed number of queries for the whole batch, asked only
    about the places that are restricted and the people who have notifications about them."""
    restricted_initiatives = {
        pk for pk, i in places.initiatives.items() if i.is_safeguarded or i.hidden_at is not None
    }
    restricted_conversations = {
        pk
        for pk, c in places.conversations.items()
        if c.is_safeguarded
        or (
            c.initiative_id is not None
            and (c.initiative.is_safeguarded or c.initiative.hidden_at is not None)
        )
    }
    if not restricted_initiatives and not restricted_conversations:
        return items
    initiative_people = {
        item.recipient_id for item in items if item.initiative_id in restricted_initiatives
    }
    conversation_people = {
        item.recipient_id for item in items if item.conversation_id in restricted_conversations
    }
    initiative_seen = (
        initiative_visibility.viewers_of(
            [places.initiatives[pk] for pk in restricted_initiatives], initiative_people
        )
        if initiative_people
        else {}
    )
    conversation_seen = (
        conversation_visibility.viewers_of(
            [places.conversations[pk] for pk in restricted_conversations], conversation_people
        )
        if conversation_people
        else {}
    )
    return [
        item
        for item in items
        if (
            item.initiative_id not in restricted_initiatives
            or item.recipient_id in initiative_seen[item.initiative_id]
        )
        and (
            item.conversation_id not in restricted_conversations
            or item.recipient_id in conversation_seen[item.conversation_id]
        )
    ]


@functools.cache
def _path(name: str) -> str:
    return reverse(name)


class Renderer:
    """Builds digest emails, line by line rather than with a template (the job renders one for
    every follower, and a template costs milliseconds each). The sentences every digest
    shares are translated once per run, not once per person (see bench/digest.py)."""

    def __init__(self, frequency: str) -> None:
        self.frequency = frequency
        self.site = str(settings.SITE_URL).rstrip("/")
        self.site_name = str(settings.SITE_NAME)
        self.hello = _("Hello %(name)s,")
        if frequency == "daily":
            self.opening = _("Here is what happened since your last daily digest.")
        else:
            self.opening = _("Here is what happened since your last weekly digest.")
        self.private_line = f"- {discreet.text()}"
        self.all_yours = _("All your notifications: %(url)s") % {
            "url": self.site + _path("notifications:inbox")
        }
        self.stop_all = _("To stop all digest emails, open this link: %(url)s")
        self.choose = _("To choose which emails you get from %(site)s: %(url)s") % {
            "site": self.site_name,
            "url": self.site + _path("notifications:preferences"),
        }
        self._subjects: dict[int, str] = {}

    def subject(self, count: int) -> str:
        subject = self._subjects.get(count)
        if subject is None:
            if self.frequency == "daily":
                text = ngettext(
                    "Your daily digest: %(count)d notification",
                    "Your daily digest: %(count)d notifications",
                    count,
                )
            else:
                text = ngettext(
                    "Your weekly digest: %(count)d notification",
                    "Your weekly digest: %(count)d notifications",
                    count,
                )
            subject = self._subjects[count] = f"[{self.site_name}] " + text % {"count": count}
        return subject

    def render(self, *, user: Actor, items: list[Item], places: Places) -> dict[str, Any]:
        """Subject, body, recipient and headers of one person's digest."""
        site = self.site
        shown = items[:MAX_ITEMS]
        leave = unsubscribe.unsubscribe_url(user_id=user.pk, scope=unsubscribe.DIGESTS)
        count = len(items)
        lines = [self.hello % {"name": user.public_name}, "", self.opening]
        for place in group_by_place(shown, places):
            lines += ["", place.title]
            if place.url:
                lines.append(site + place.url)
            if place.key == "private":
                for item in place.items:
                    lines += [self.private_line, f"  {discreet.open_url(item.pk)}"]
                continue
            for item in place.items:
                url = item.url
                lines += [
                    f"- {item.text}",
                    f"  {url if url.startswith('http') else site + url}",
                ]
        more = count - len(shown)
        if more:
            lines += [
                "",
                ngettext(
                    "And %(count)d more notification on the site.",
                    "And %(count)d more notifications on the site.",
                    more,
                )
                % {"count": more},
            ]
        lines += ["", self.all_yours, "", self.stop_all % {"url": leave}, self.choose, ""]
        return {
            "subject": self.subject(count),
            "body": "\n".join(lines),
            "to": [user.email],
            "headers": unsubscribe.headers(leave),
        }


def _send_batch(
    frequency: str, user_ids: list[int], result: DigestRunResult, renderer: Renderer
) -> None:
    now = timezone.now()
    with transaction.atomic():
        waiting = (
            due(frequency)
            .filter(recipient_id__in=user_ids)
            .order_by("recipient_id", "created_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True)
        items = [Item(*row) for row in waiting.values_list(*_ITEM_FIELDS)]
        if not items:
            return
        people = User.objects.only(
            "pk", "email", "display_name", "is_active", "anonymised_at"
        ).in_bulk({item.recipient_id for item in items})
        reachable = {
            pk for pk, u in people.items() if u.is_active and u.email and not u.anonymised_at
        }
        dropped_ids = [item.pk for item in items if item.recipient_id not in reachable]
        items = [item for item in items if item.recipient_id in reachable]
        places = Places.fetch(items)
        visible = visible_items(items, places)
        if len(visible) != len(items):
            kept = {item.pk for item in visible}
            gone = [item.pk for item in items if item.pk not in kept]
            dropped_ids += gone
            result.skipped += len(gone)
        by_user: dict[int, list[Item]] = {}
        for item in visible:
            by_user.setdefault(item.recipient_id, []).append(item)
        messages = [
            renderer.render(user=people[user_id], items=mine, places=places)
            for user_id, mine in by_user.items()  # never an empty digest
        ]
        enqueue_after_commit(messages)
        result.recipients += len(messages)
        result.emails += len(messages)
        result.notifications += len(visible)
        if visible:
            Notification.objects.filter(pk__in=[item.pk for item in visible]).update(
                awaiting_digest=False, emailed_at=now
            )
        if dropped_ids:
            Notification.objects.filter(pk__in=dropped_ids).update(awaiting_digest=False)


def digests_send(*, frequency: str, batch_size: int = BATCH_SIZE) -> DigestRunResult:
    """Send every waiting `frequency` digest ("daily" or "weekly"); safe to run twice."""
    if frequency not in DIGESTS:
        raise ValueError(f"No digest is sent {frequency!r}")
    result = DigestRunResult()
    renderer = Renderer(frequency)
    for user_ids in recipient_batches(frequency, batch_size=batch_size):
        _send_batch(frequency, user_ids, result, renderer)
    return result
