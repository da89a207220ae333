"""Reads for notifications: the inbox, the unread count and preferences.

Who may be told about something is its kind's visibility rule (`<app>/visibility.py`:
`viewers()` and `viewers_of()`); nothing here repeats it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations import visibility as conversations
from grassroots.core import compiled
from grassroots.core.request_cache import scoped
from grassroots.initiatives import visibility as initiatives
from grassroots.notifications.models import Delivery, Kind, Notification, Preference


@scoped
def inbox(user: Actor) -> QuerySet[Notification]:
    """The user's notifications, newest first, leaving out any about an initiative the user can
    no longer see (for example a safeguarded one they have left).

    The rules' flat forms (`of_visible()`): conditions on the joined initiative and
    conversation, and the short lists of restricted ones the user sees, so the unread count in
    the header is one plain query."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(Q(initiative__isnull=True) | initiatives.of_visible(user, "initiative"))
        .filter(Q(conversation__isnull=True) | conversations.of_visible(user, "conversation"))
        .order_by("-created_at", "-id")
    )


def _unread_of_public(user_id: int) -> QuerySet[Any, Any]:
    """`user_id`'s unread notifications about nothing restricted, counted: `inbox()` for
    someone who sees only what is public."""
    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .filter(Q(initiative__isnull=True) | initiatives.of_visible(None, "initiative"))
        .filter(Q(conversation__isnull=True) | conversations.of_visible(None, "conversation"))
        .order_by()
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .values("unread")
    )


def unread_count(user: Viewer) -> int:
    """How many of `inbox(user)` are unread: the number in the header of every page."""
    if not isinstance(user, User):  # nobody signed in
        return 0
    if initiatives.restricted_visible_ids(user) or conversations.restricted_visible_ids(user):
        return inbox(user).filter(read_at__isnull=True).count()
    # Most people see nothing restricted, so their inbox is the public form of the rules:
    # the same query for all of them, compiled once (core/compiled.py).
    found = compiled.fetch("notifications.unread", (), Notification, _unread_of_public, user.pk)
    return int(found[0]["unread"]) if found else 0


def deliveries(user: Actor) -> dict[str, str]:
    """How the user is emailed about each kind, in one query ("immediately" unless changed)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATELY) for kind in Kind.values}


def email_kinds(user: Actor) -> set[str]:
    """The kinds the user gets any email about (at once or in a digest)."""
    return {kind for kind, how in deliveries(user).items() if how != Delivery.OFF}
