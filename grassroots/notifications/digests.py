"""Daily and weekly digests: each person's waiting notifications in one email, grouped by place.

`notify()` marks a notification `awaiting_digest` when its recipient chose a digest for its
kind. `digests_send(frequency=...)` walks the people with something waiting for that digest
(kinds whose *current* setting is that frequency, so a change of mind or an unsubscribe takes
effect at once), a batch at a time in id order (keyset pagination: memory stays bounded
whatever the number of followers), and for each batch:

- reads the batch's waiting notifications in one query and locks them (`SKIP LOCKED` on
  PostgreSQL, so two runs at once share the work instead of sending twice);
- drops any about a safeguarded initiative or conversation the person can no longer see
  (asked only for people who have such notifications);
- queues one email per person after the commit, never an empty one;
- marks them emailed, so a second run finds nothing to send.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core.tasks import send_email
from grassroots.notifications import unsubscribe
from grassroots.notifications.models import DIGESTS, Notification, Preference

BATCH_SIZE = 500
# A digest lists this many notifications at most, then says how many more are on the site.
MAX_ITEMS = 100


@dataclass
class DigestRunResult:
    recipients: int = 0
    emails: int = 0
    notifications: int = 0
    skipped: int = 0


@dataclass
class Place:
    """One heading of a digest and the notifications under it."""

    key: str
    title: str
    url: str = ""
    items: list[Notification] = field(default_factory=list)


def due(frequency: str) -> QuerySet[Notification]:
    """Notifications waiting for a `frequency` digest, as their recipients want it now."""
    if frequency not in DIGESTS:
        raise ValueError(f"No digest is sent {frequency!r}")
    wanted = Preference.objects.filter(
        user_id=OuterRef("recipient_id"), kind=OuterRef("kind"), delivery=frequency
    )
    return Notification.objects.filter(awaiting_digest=True).filter(Exists(wanted))


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


def place_of(notification: Notification) -> tuple[str, str, str]:
    """(key, heading, link) of the place a notification is about; "Elsewhere" if none."""
    if notification.conversation_id is not None and notification.conversation is not None:
        conversation = notification.conversation
        return (
            f"conversation-{conversation.pk}",
            _("Conversation: %(question)s") % {"question": conversation.question},
            conversation.get_absolute_url(),
        )
    if notification.initiative_id is not None and notification.initiative is not None:
        initiative = notification.initiative
        return (
            f"initiative-{initiative.pk}",
            _("Initiative: %(title)s") % {"title": initiative.title},
            initiative.get_absolute_url(),
        )
    if notification.group_id is not None and notification.group is not None:
        group = notification.group
        return (
            f"group-{group.pk}",
            _("Group: %(name)s") % {"name": group.name},
            _url_of(group),
        )
    if notification.ward_id is not None and notification.ward is not None:
        ward = notification.ward
        return (
            f"ward-{ward.pk}",
            _("%(ward)s ward") % {"ward": ward.name},
            ward.get_absolute_url(),
        )
    return ("elsewhere", _("Elsewhere"), "")


def _place_key(notification: Notification) -> tuple[str, int]:
    for name in ("conversation", "initiative", "group", "ward"):
        pk = getattr(notification, f"{name}_id")
        if pk is not None:
            return (name, pk)
    return ("elsewhere", 0)


def group_by_place(
    notifications: list[Notification],
    *,
    cache: dict[tuple[str, int], tuple[str, str, str]] | None = None,
) -> list[Place]:
    """Places in alphabetical order of heading, "Elsewhere" last; oldest first within each.

    `cache` keeps each place's heading and link across the people of a batch.
    """
    cache = {} if cache is None else cache
    places: dict[str, Place] = {}
    for notification in notifications:
        place_key = _place_key(notification)
        if place_key not in cache:
            cache[place_key] = place_of(notification)
        key, title, url = cache[place_key]
        places.setdefault(key, Place(key=key, title=title, url=url)).items.append(notification)
    named = sorted((p for p in places.values() if p.key != "elsewhere"), key=lambda p: p.title)
    return named + [p for p in places.values() if p.key == "elsewhere"]


def _visible(user: Any, notifications: list[Notification]) -> list[Notification]:
    """Leave out notifications about safeguarded things `user` can no longer see.

    Costs a query only for people who have such notifications.
    """
    from grassroots.conversations.models import Conversation
    from grassroots.conversations.visibility import visible_conversations
    from grassroots.initiatives.models import Initiative
    from grassroots.initiatives.visibility import visible_initiatives

    private_initiatives: set[int] = {
        n.initiative.pk
        for n in notifications
        if n.initiative is not None and n.initiative.is_safeguarded
    }
    private_conversations: set[int] = {
        n.conversation.pk
        for n in notifications
        if n.conversation is not None
        and (
            n.conversation.is_safeguarded
            or (n.conversation.initiative is not None and n.conversation.initiative.is_safeguarded)
        )
    }
    seen_initiatives: set[int] = set()
    seen_conversations: set[int] = set()
    if private_initiatives:
        seen_initiatives = set(
            visible_initiatives(
                user, Initiative.objects.filter(pk__in=private_initiatives)
            ).values_list("pk", flat=True)
        )
    if private_conversations:
        seen_conversations = set(
            visible_conversations(
                user, Conversation.objects.filter(pk__in=private_conversations)
            ).values_list("pk", flat=True)
        )
    return [
        n
        for n in notifications
        if (n.initiative_id not in private_initiatives or n.initiative_id in seen_initiatives)
        and (
            n.conversation_id not in private_conversations
            or n.conversation_id in seen_conversations
        )
    ]


@functools.cache
def _path(name: str) -> str:
    return reverse(name)


def render_digest(
    *,
    user: Any,
    frequency: str,
    notifications: list[Notification],
    places_cache: dict[tuple[str, int], tuple[str, str, str]] | None = None,
) -> dict[str, Any]:
    """Subject, body and headers of one person's digest.

    Written line by line rather than with a template: the job renders one for every
    follower, and a template costs milliseconds each (see bench/digest.py).
    """
    site = str(settings.SITE_URL).rstrip("/")
    shown = notifications[:MAX_ITEMS]
    leave = unsubscribe.unsubscribe_url(user_id=user.pk, scope=unsubscribe.DIGESTS)
    count = len(notifications)
    if frequency == "daily":
        subject = ngettext(
            "Your daily digest: %(count)d notification",
            "Your daily digest: %(count)d notifications",
            count,
        ) % {"count": count}
        opening = _("Here is what happened since your last daily digest.")
    else:
        subject = ngettext(
            "Your weekly digest: %(count)d notification",
            "Your weekly digest: %(count)d notifications",
            count,
        ) % {"count": count}
        opening = _("Here is what happened since your last weekly digest.")
    lines = [_("Hello %(name)s,") % {"name": user.public_name}, "", opening]
    for place in group_by_place(shown, cache=places_cache):
        lines += ["", place.title]
        if place.url:
            lines.append(site + place.url)
        for notification in place.items:
            url = notification.url
            lines += [
                f"- {notification.text}",
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
    lines += [
        "",
        _("All your notifications: %(url)s") % {"url": site + _path("notifications:inbox")},
        "",
        _("To stop all digest emails, open this link: %(url)s") % {"url": leave},
        _("To choose which emails you get from %(site)s: %(url)s")
        % {"site": settings.SITE_NAME, "url": site + _path("notifications:preferences")},
        "",
    ]
    return {
        "subject": f"[{settings.SITE_NAME}] {subject}",
        "body": "\n".join(lines),
        "to": [user.email],
        "headers": unsubscribe.headers(leave),
    }


def _send_batch(frequency: str, user_ids: list[int], result: DigestRunResult) -> None:
    from grassroots.accounts.models import User

    now = timezone.now()
    with transaction.atomic():
        waiting = (
            due(frequency)
            .filter(recipient_id__in=user_ids)
            .select_related(
                "initiative",
                "conversation__initiative",
                "group",
                "ward__council",
            )
            .order_by("recipient_id", "created_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        by_user: dict[int, list[Notification]] = {}
        for notification in waiting:
            by_user.setdefault(notification.recipient_id, []).append(notification)
        people = {
            u.pk: u
            for u in User.objects.filter(pk__in=by_user).only(
                "pk", "email", "display_name", "is_active", "anonymised_at"
            )
        }
        sent_ids: list[int] = []
        dropped_ids: list[int] = []
        places_cache: dict[tuple[str, int], tuple[str, str, str]] = {}
        for user_id, notifications in by_user.items():
            user = people.get(user_id)
            if user is None or not user.is_active or not user.email or user.anonymised_at:
                dropped_ids += [n.pk for n in notifications]
                continue
            visible = _visible(user, notifications)
            kept = {n.pk for n in visible}
            dropped_ids += [n.pk for n in notifications if n.pk not in kept]
            result.skipped += len(notifications) - len(visible)
            if not visible:
                continue  # never an empty digest
            message = render_digest(
                user=user, frequency=frequency, notifications=visible, places_cache=places_cache
            )
            transaction.on_commit(partial(send_email.enqueue, **message))
            sent_ids += [n.pk for n in visible]
            result.recipients += 1
            result.emails += 1
            result.notifications += len(visible)
        if sent_ids:
            Notification.objects.filter(pk__in=sent_ids).update(
                awaiting_digest=False, emailed_at=now
            )
        if dropped_ids:
            Notification.objects.filter(pk__in=dropped_ids).update(awaiting_digest=False)


def digests_send(*, frequency: str, batch_size: int = BATCH_SIZE) -> DigestRunResult:
    """Send every waiting `frequency` digest ("daily" or "weekly"); safe to run twice."""
    result = DigestRunResult()
    for user_ids in recipient_batches(frequency, batch_size=batch_size):
        _send_batch(frequency, user_ids, result)
    return result
