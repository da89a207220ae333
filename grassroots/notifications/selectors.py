"""Reads for notifications: the inbox, the unread count, preferences, and who may be told."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.selectors import ids_without_required_mfa
from grassroots.accounts.types import Actor, Viewer
from grassroots.initiatives.models import (
    INSIDER_STATUSES,
    Initiative,
    InitiativeWard,
    MemberRole,
    Membership,
    MembershipStatus,
)
from grassroots.initiatives.visibility import SUPPORTING_STATUSES, visible_initiatives
from grassroots.notifications.models import Delivery, Kind, Notification, Preference
from grassroots.places.models import Councillor, CouncillorTerm
from grassroots.support.models import HelpRequest, Invitation, Support


def inbox(user: Actor) -> QuerySet[Notification]:
    """The user's notifications, newest first, leaving out any about an initiative the user can
    no longer see (for example a safeguarded one they have left)."""
    # conversations.visibility imports this module (removed when vis's work lands).
    from grassroots.conversations.visibility import visible_conversations  # noqa: PLC0415

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


def ids_of_active(user_ids: list[int]) -> set[int]:
    return set(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))


def _moderators(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` are moderators as `accounts.rules.is_moderator` says (site admins
    need TOTP), in one query."""

    totp = Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))
    return set(
        User.objects.filter(pk__in=list(user_ids), is_active=True)
        .filter(Q(is_moderator=True) | ((Q(is_staff=True) | Q(is_superuser=True)) & Q(totp)))
        .values_list("pk", flat=True)
    )


def initiative_viewers(
    initiatives: Iterable[Initiative], user_ids: Iterable[int]
) -> dict[int, set[int]]:
    """For each initiative, which of `user_ids` may see it: `visibility.can_view()` asked for
    many people and many initiatives at once, in a fixed number of queries (at most ten,
    whatever their numbers; one when every initiative is public and shown).

    The rule (initiatives/visibility.py; test_visibility_property and test_viewers check that
    the two agree): active people only; a safeguarded initiative is seen by its approved
    members, people invited to join while the invitation waits, and supporting councillors
    (support offered, planned, in progress or done; invited by its leads; or sitting for one
    of its wards while a help request waits; all only while they hold a current term); a
    hidden one only by its approved leads and by moderators, of those who could otherwise see
    it. Role holders without two-factor authentication are inside nothing safeguarded.
    """
    by_pk = {i.pk: i for i in initiatives}
    active = ids_of_active(list(set(user_ids)))
    restricted = [i for i in by_pk.values() if i.is_safeguarded or i.hidden_at is not None]
    if not restricted or not active:
        return {pk: set(active) for pk in by_pk}
    insiders: dict[int, set[int]] = {i.pk: set() for i in restricted}
    leads: dict[int, set[int]] = {i.pk: set() for i in restricted}
    safeguarded = [i.pk for i in restricted if i.is_safeguarded]
    # Inside a safeguarded initiative: never a role holder without two-factor authentication.
    unlocked = active - ids_without_required_mfa(active) if safeguarded else active
    for initiative_id, user_id, role, status in Membership.objects.filter(
        initiative_id__in=[i.pk for i in restricted],
        user_id__in=active,
        status__in=INSIDER_STATUSES,
    ).values_list("initiative_id", "user_id", "role", "status"):
        insiders[initiative_id].add(user_id)
        if role == MemberRole.LEAD and status == MembershipStatus.APPROVED:
            leads[initiative_id].add(user_id)
    councillors: dict[int, int] = {}
    if safeguarded:
        # Sitting councillors only: insider access through support ends with the term.
        sitting_now = CouncillorTerm.objects.current(timezone.localdate()).filter(
            councillor=OuterRef("pk")
        )
        councillors = dict(
            Councillor.objects.filter(user_id__in=unlocked)
            .filter(Exists(sitting_now))
            .values_list("pk", "user_id")
        )
    if councillors:
        pairs = list(
            Support.objects.filter(
                initiative_id__in=safeguarded,
                councillor_id__in=councillors,
                status__in=SUPPORTING_STATUSES,
            ).values_list("initiative_id", "councillor_id")
        )
        pairs += Invitation.objects.filter(
            initiative_id__in=safeguarded, councillor_id__in=councillors
        ).values_list("initiative_id", "councillor_id")
        waiting = set(
            HelpRequest.objects.filter(initiative_id__in=safeguarded, status="waiting").values_list(
                "initiative_id", flat=True
            )
        )
        if waiting:
            sitting: dict[int, set[int]] = {}  # ward -> councillors sitting for it today
            for councillor_id, ward_id in (
                CouncillorTerm.objects.current(timezone.localdate())
                .filter(councillor_id__in=councillors)
                .values_list("councillor_id", "ward_id")
            ):
                sitting.setdefault(ward_id, set()).add(councillor_id)
            for initiative_id, ward_id in InitiativeWard.objects.filter(
                initiative_id__in=waiting, ward_id__in=sitting
            ).values_list("initiative_id", "ward_id"):
                pairs += [(initiative_id, c) for c in sitting[ward_id]]
        for initiative_id, councillor_id in pairs:
            insiders[initiative_id].add(councillors[councillor_id])
    hidden = [i for i in restricted if i.hidden_at is not None]
    moderators = _moderators(active) if hidden else set()
    viewers: dict[int, set[int]] = {}
    for pk, initiative in by_pk.items():
        seen = insiders[pk] & unlocked if initiative.is_safeguarded else set(active)
        if initiative.hidden_at is not None:
            seen &= leads[pk] | moderators
        viewers[pk] = seen
    return viewers


def insider_ids(initiative: Initiative, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `initiative` (safeguarded, hidden or neither), in a fixed
    number of queries whatever their number: `initiative_viewers()` for one initiative."""
    return initiative_viewers([initiative], user_ids)[initiative.pk]


def conversation_viewers(
    conversations: Iterable[Any], user_ids: Iterable[int]
) -> dict[int, set[int]]:
    """For each conversation, which of `user_ids` may see it: conversations/visibility.py's
    own bulk rule (`insider_ids`: its host initiative's rule, or a safeguarded group
    conversation's members), a few queries per conversation whatever the number of people."""
    # conversations.visibility imports this module (removed when vis's work lands).
    from grassroots.conversations.visibility import (  # noqa: PLC0415
        insider_ids as conversation_insiders,
    )

    ids = list(set(user_ids))
    return {c.pk: set(conversation_insiders(c, ids)) for c in conversations}
