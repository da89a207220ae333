"""Sending notifications: stored for the site, emailed by the worker after the commit.

The changes a person makes to their own notifications (marking read, email settings) each
check their rule in `rules.py` with `require()` before they change anything; `notify()` is
called by other services on behalf of whoever they checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations import visibility as conversation_visibility
from grassroots.conversations.models import Conversation
from grassroots.core.audit import audit_record
from grassroots.core.mail import one_line
from grassroots.core.services import require
from grassroots.groups.models import Group
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Initiative
from grassroots.notifications import bursts, discreet, unsubscribe
from grassroots.notifications.mailing import enqueue_after_commit
from grassroots.notifications.models import DIGESTS, Delivery, Kind, Notification, Preference
from grassroots.notifications.selectors import deliveries
from grassroots.places.models import Ward


def notify(
    *,
    recipients: Iterable[Viewer | None],
    kind: Kind,
    text: str,
    url: str,
    initiative: Initiative | None = None,
    conversation: Conversation | None = None,
    ward: Ward | None = None,
    group: Group | None = None,
    exclude: Actor | None = None,
    actor: Actor | None = None,
) -> list[Notification]:
    """Tell each recipient (once) in the site, and by email as they chose for this kind.

    "immediately": emailed by the worker after the commit; "daily"/"weekly": left for the
    next digest (`notifications.digests`); "off": the site only. Recipients who may not see
    `initiative` are dropped (initiatives/visibility.py: a safeguarded one reaches nobody
    outside it, a hidden one only its leads and moderators), whoever the caller named; the
    same holds for a `conversation` (its host initiative's rule, or a safeguarded group
    conversation's members). An email about something safeguarded says only that there is
    news, with a link to the notification (`discreet.py`); the site shows the full text.
    `ward` and `group` name the place it happened, for grouping digests. `exclude` (usually
    the actor) is skipped. News for followers (`Kind.FOLLOWING`) made by `actor` is emailed
    straight away at most once a window per follower; the rest waits for the daily digest
    (`bursts.py`).
    """

    people = {u.pk: u for u in recipients if isinstance(u, User) and u.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)

    def keep(allowed: set[int]) -> None:
        nonlocal people
        people = {pk: u for pk, u in people.items() if pk in allowed}

    # The whole visibility rule (safeguarded, hidden by a moderator), asked for all recipients
    # at once in one query (the `viewers()` of conversations and initiatives).
    if conversation is not None:
        keep(conversation_visibility.viewers(conversation, people))
        if initiative is None and conversation.initiative_id is not None:
            initiative = conversation.initiative
    if (
        initiative is not None
        and (initiative.is_safeguarded or initiative.hidden_at is not None)
        and (conversation is None or conversation.initiative_id != initiative.pk)
    ):
        keep(initiative_visibility.viewers(initiative, people))
    if not people:
        return []
    # One query for everybody's preferences (never one per recipient).
    chosen = dict(
        Preference.objects.filter(user_id__in=people, kind=kind).values_list("user_id", "delivery")
    )
    now = timezone.now()
    rows, to_email = [], []
    held: set[int] = set()
    if kind == Kind.FOLLOWING and actor is not None:
        held = bursts.hold_back(
            actor_id=actor.pk,
            recipient_ids=[
                pk for pk in people if chosen.get(pk, Delivery.IMMEDIATELY) == Delivery.IMMEDIATELY
            ],
        )
    for user in people.values():
        delivery = chosen.get(user.pk, Delivery.IMMEDIATELY)
        can_email = bool(user.email) and not user.anonymised_at
        at_once = can_email and delivery == Delivery.IMMEDIATELY and user.pk not in held
        if at_once:
            to_email.append(user)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                text=text[:300],
                url=url,
                initiative=initiative,
                conversation=conversation,
                ward=ward,
                group=group,
                emailed_at=now if at_once else None,
                awaiting_digest=can_email and (delivery in DIGESTS or user.pk in held),
            )
        )
    created = Notification.objects.bulk_create(rows)
    absolute = url if url.startswith("http") else settings.SITE_URL.rstrip("/") + url
    # About something safeguarded: the email names nothing (see discreet.py).
    private = discreet.is_private(initiative, conversation)
    subject = discreet.subject() if private else one_line(text)[:120]
    row_of = {n.recipient_id: n for n in created}
    messages = []
    for user in to_email:
        leave = unsubscribe.unsubscribe_url(user_id=user.pk, scope=kind)
        body = render_to_string(
            "notifications/email.txt",
            {
                "text": discreet.text() if private else text,
                "url": discreet.open_url(row_of[user.pk].pk) if private else absolute,
                "user": user,
                "SITE_NAME": settings.SITE_NAME,
                "kind_label": Kind(kind).label,
                "unsubscribe_url": leave,
            },
        )
        messages.append(
            {
                "subject": f"[{settings.SITE_NAME}] {subject}",
                "body": body,
                "to": [user.email],
                "headers": unsubscribe.headers(leave),
            }
        )
    enqueue_after_commit(messages)
    return created


def notification_mark_all_read(*, user: Actor) -> int:
    """Mark every unread notification of `user` as read; returns how many changed."""
    require(user, "notifications.mark_all_read", user)

    with transaction.atomic():
        changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if changed:
            audit_record(
                actor=user,
                action="notifications.mark_all_read",
                obj=user,
                summary=f"Marked {changed} notifications as read",
            )
    return changed


def notification_mark_read(*, user: Actor, notification: Notification) -> bool:
    """Mark one of `user`'s notifications as read; False if it already was (nothing changes)."""
    require(user, "notifications.mark_read", notification)

    # A conditional update, so two clicks at once cannot both count as the first.
    changed = Notification.objects.filter(
        pk=notification.pk, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    return bool(changed)


def preferences_save(*, user: Actor, deliveries: Mapping[str, str]) -> None:
    """Set how `user` is emailed about each kind named in `deliveries` (one upsert for all)."""
    require(user, "notifications.change_preferences", user)

    unknown = [
        k for k, how in deliveries.items() if k not in Kind.values or how not in Delivery.values
    ]
    if unknown:
        raise ValueError(f"Unknown kinds or deliveries: {unknown}")
    rows = [Preference(user=user, kind=kind, delivery=how) for kind, how in deliveries.items()]
    with transaction.atomic():
        Preference.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["delivery"],
        )
        audit_record(
            actor=user,
            action="notifications.preferences_save",
            obj=user,
            summary="Changed how notifications are emailed",
            data={"delivery": dict(sorted(deliveries.items()))},
        )


def preferences_unsubscribe(*, user: Actor, scope: str) -> list[str]:
    """Turn off email for one kind, or for every kind sent in a digest (`unsubscribe.DIGESTS`).

    Used by one-click unsubscribe links, so it needs no sign-in: the caller has checked the
    signed token. Returns the kinds turned off (none if they already were).
    """

    current = deliveries(user)
    if scope == unsubscribe.DIGESTS:
        kinds = [kind for kind, how in current.items() if how in DIGESTS]
    else:
        kinds = [scope] if current.get(scope) != Delivery.OFF else []
    if not kinds:
        return []
    with transaction.atomic():
        Preference.objects.bulk_create(
            [Preference(user=user, kind=kind, delivery=Delivery.OFF) for kind in kinds],
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["delivery"],
        )
        audit_record(
            actor=None,
            action="notifications.unsubscribe",
            obj=user,
            summary="Turned off email from an unsubscribe link",
            data={"scope": scope, "kinds": sorted(kinds)},
        )
    return kinds


def repoint_links(old: str, new: str) -> None:
    """Notifications about a page whose address moved from `old` to `new` follow it
    (core.links)."""
    Notification.objects.filter(url__contains=old).update(
        url=Replace("url", Value(old), Value(new))
    )
