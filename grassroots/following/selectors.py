"""Reads for following: who follows a thing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet


def followers(
    *,
    initiative: Any | None = None,
    ward: Any | None = None,
    group: Any | None = None,
    conversation: Any | None = None,
) -> QuerySet[Any]:
    """Active people following any of the given things (each person once).

    Callers pass the result to `notifications.services.notify`, which still drops anyone who may
    not see a safeguarded initiative or conversation.
    """
    match = Q(pk__in=[])
    for field, target in (
        ("initiative", initiative),
        ("ward", ward),
        ("group", group),
        ("conversation", conversation),
    ):
        if target is not None:
            match |= Q(**{f"follows__{field}": target})
    return get_user_model().objects.filter(match, is_active=True).distinct()
