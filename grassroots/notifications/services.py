"""Sending notifications: stored for the site, emailed by the worker after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from grassroots.core.tasks import send_email
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.visibility import can_view
from grassroots.notifications.models import Kind, Notification, Preference


def notify(
    *,
    recipients: Iterable[Any],
    kind: Kind,
    text: str,
    url: str,
    initiative: Initiative | None = None,
    exclude: Any | None = None,
) -> list[Notification]:
    """Tell each recipient (once) in the site, and by email unless they turned that kind off.

    Recipients who may not see `initiative` are dropped: a safeguarded initiative never reaches
    anyone outside it, whoever the caller named. `exclude` (usually the actor) is skipped.
    """
    from django.db import transaction

    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if initiative is not None and initiative.is_safeguarded:
        people = {pk: u for pk, u in people.items() if can_view(u, initiative)}
    if not people:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=u, kind=kind, text=text[:300], url=url, initiative=initiative)
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
