"""Reads for notifications: the inbox, the unread count, preferences, and who may be told."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.initiatives.models import INSIDER_STATUSES, Initiative, Membership
from grassroots.initiatives.visibility import visible_initiatives
from grassroots.notifications.models import Delivery, Kind, Notification, Preference


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first, leaving out any about an initiative the user can
    no longer see (for example a safeguarded one they have left)."""
    from grassroots.conversations.visibility import visible_conversations

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


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()


def deliveries(user: Any) -> dict[str, str]:
    """How the user is emailed about each kind, in one query ("immediately" unless changed)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATELY) for kind in Kind.values}


def email_kinds(user: Any) -> set[str]:
    """The kinds the user gets any email about (at once or in a digest)."""
    return {kind for kind, how in deliveries(user).items() if how != Delivery.OFF}


def ids_of_active(user_ids: list[int]) -> set[int]:
    from grassroots.accounts.models import User

    return set(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))


def insider_ids(initiative: Initiative, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `initiative`, in one query whatever their number.

    The same rule as visibility.can_view() (test_visibility_property checks they agree): for
    a safeguarded initiative, approved members, people invited to join while the invitation
    waits, and supporting councillors only.
    """
    from grassroots.places.models import Councillor, CouncillorTerm
    from grassroots.support.models import HelpRequest, Invitation, Support

    ids = list(user_ids)
    if not initiative.is_safeguarded:
        return ids_of_active(ids)
    today = timezone.localdate()
    members = Membership.objects.filter(
        initiative=initiative, status__in=INSIDER_STATUSES, user_id__in=ids
    ).values("user_id")
    waiting_help = HelpRequest.objects.filter(initiative=initiative, status="waiting")
    councillors = Councillor.objects.filter(user_id__in=ids).filter(
        Q(
            Exists(
                Support.objects.filter(
                    initiative=initiative,
                    councillor=OuterRef("pk"),
                    status__in=("offered", "planned", "in_progress", "done"),
                )
            )
        )
        | Q(Exists(Invitation.objects.filter(initiative=initiative, councillor=OuterRef("pk"))))
        | (
            Q(Exists(waiting_help))
            & Q(
                Exists(
                    CouncillorTerm.objects.current(today).filter(
                        councillor=OuterRef("pk"),
                        ward__in=initiative.wards.values("pk"),
                    )
                )
            )
        )
    )
    from grassroots.accounts.models import User

    return set(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=members) | Q(pk__in=councillors.values("user_id")))
        .values_list("pk", flat=True)
    )
