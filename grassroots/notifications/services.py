"""Sending notifications: stored for the site, emailed by the worker after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from grassroots.conversations.models import Conversation
from grassroots.core.tasks import send_email
from grassroots.initiatives.models import Initiative
from grassroots.notifications.models import Kind, Notification, Preference
from grassroots.notifications.selectors import insider_ids


def notify(
    *,
    recipients: Iterable[Any],
    kind: Kind,
    text: str,
    url: str,
    initiative: Initiative | None = None,
    conversation: Conversation | None = None,
    exclude: Any | None = None,
) -> list[Notification]:
    """Tell each recipient (once) in the site, and by email unless they turned that kind off.

    Recipients who may not see `initiative` are dropped: a safeguarded initiative never reaches
    anyone outside it, whoever the caller named; the same holds for a safeguarded
    `conversation`. `exclude` (usually the actor) is skipped.
    """
    from django.db import transaction

    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if initiative is not None and initiative.is_safeguarded:
        # One query for all recipients: the same rule as can_view(), asked about many users.
        insiders = insider_ids(initiative, people)
        people = {pk: u for pk, u in people.items() if pk in insiders}
    if conversation is not None:
        from grassroots.conversations.visibility import insider_ids as conversation_insiders

        if initiative is None and conversation.initiative_id is not None:
            initiative = conversation.initiative
        allowed = conversation_insiders(conversation, people)
        people = {pk: u for pk, u in people.items() if pk in allowed}
    if not people:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                kind=kind,
                text=text[:300],
                url=url,
                initiative=initiative,
                conversation=conversation,
            )
            for u in people.values()
        ]
    )
    # One query for everybody's preferences (never one per recipient).
    emails_off = set(
        Preference.objects.filter(user_id__in=people, kind=kind, email=False).values_list(
            "user_id", flat=True
        )
    )
    absolute = url if url.startswith("http") else settings.SITE_URL.rstrip("/") + url
    for user in people.values():
        if user.pk in emails_off or not user.email or user.anonymised_at:
            continue
        body = render_to_string(
            "notifications/email.txt",
            {"text": text, "url": absolute, "user": user, "SITE_NAME": settings.SITE_NAME},
        )
        transaction.on_commit(
            partial(
                send_email.enqueue,
                subject=f"[{settings.SITE_NAME}] {text[:120]}",
                body=body,
                to=[user.email],
            )
        )
    return created


def notification_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of `user` as read; returns how many changed."""
    from django.db import transaction
    from django.utils import timezone

    from grassroots.core.audit import audit_record

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


def notification_mark_read(*, user: Any, notification: Notification) -> bool:
    """Mark one of `user`'s notifications as read; False if it already was (nothing changes)."""
    from django.utils import timezone

    # A conditional update, so two clicks at once cannot both count as the first.
    changed = Notification.objects.filter(
        pk=notification.pk, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    return bool(changed)


def preferences_save(*, user: Any, email_kinds: Iterable[str]) -> None:
    """Email `user` about exactly the kinds in `email_kinds` (one query for all kinds)."""
    from django.db import transaction

    from grassroots.core.audit import audit_record

    wanted = set(email_kinds)
    rows = [Preference(user=user, kind=kind, email=kind in wanted) for kind in Kind.values]
    with transaction.atomic():
        Preference.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "kind"],
            update_fields=["email"],
        )
        audit_record(
            actor=user,
            action="notifications.preferences_save",
            obj=user,
            summary="Changed which notifications are emailed",
            data={"email": sorted(wanted)},
        )
