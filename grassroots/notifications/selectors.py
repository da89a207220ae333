"""Reads for notifications: the inbox, the unread count and preferences.

Who may be told about something is its kind's visibility rule (`<app>/visibility.py`:
`viewers()` and `viewers_of()`); nothing here repeats it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations.visibility import visible_conversations
from grassroots.initiatives.visibility import visible_initiatives
from grassroots.notifications.models import Delivery, Kind, Notification, Preference


def inbox(user: Actor) -> QuerySet[Notification]:
    """The user's notifications, newest first, leaving out any about an initiative the user can
    no longer see (for example a safeguarded one they have left)."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(
            Q(initiative__isnull=True) | Q(initiative__in=visible_initiatives(user).values("pk"))
        )
        .filter(
            Q(conversation__isnull=True)
            | Q(conversation__in=visible_conversations(user).values("pk"))
        )
        .order_by("-created_at", "-id")
    )


def unread_count(user: Viewer) -> int:
    if not isinstance(user, User):  # nobody signed in
        return 0
    return inbox(user).filter(read_at__isnull=True).count()


def deliveries(user: Actor) -> dict[str, str]:
    """How the user is emailed about each kind, in one query ("immediately" unless changed)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATELY) for kind in Kind.values}


def email_kinds(user: Actor) -> set[str]:
    """The kinds the user gets any email about (at once or in a digest)."""
    return {kind for kind, how in deliveries(user).items() if how != Delivery.OFF}
