"""The unread count in the header: one query for signed-in people, none for anybody else."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from grassroots.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never show the header (feeds, errors) never pay for the query.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
