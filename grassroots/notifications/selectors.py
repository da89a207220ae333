"""Reads for notifications: the inbox, the unread count and preferences.

Who may be told about something is its kind's visibility rule (`<app>/visibility.py`:
`viewers()` and `viewers_of()`); nothing here repeats it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations import visibility as conversations
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
