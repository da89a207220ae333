"""{% follow_state target as state %}: what the follow button needs (one query when signed in)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.following import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_state(context: dict[str, Any], target: Any) -> dict[str, Any] | None:
    if target is None:
        return None
    try:
        kind = selectors.kind_of(target)
    except ValueError:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = isinstance(user, User)
    return {
        "kind": kind,
        "name": str(target),
        "signed_in": signed_in,
        "following": isinstance(user, User) and selectors.is_following(user, target),
        "follow_url": reverse("following:follow", kwargs={"kind": kind, "pk": target.pk}),
        "unfollow_url": reverse("following:unfollow", kwargs={"kind": kind, "pk": target.pk}),
        "next": request.get_full_path() if request is not None else "",
    }


@register.simple_tag
def feed_url(target: Any) -> str:
    """The Atom feed of a ward, an initiative or a group ("" for anything else)."""
    kind = target._meta.model_name if target is not None else ""
    if kind == "ward":
        return reverse(
            "following:ward_feed", kwargs={"council": target.council.slug, "slug": target.slug}
        )
    if kind == "initiative":
        # Safeguarded or hidden initiatives have no feed (it is a 404): no link to one.
        if target.is_safeguarded or getattr(target, "hidden_at", None) is not None:
            return ""
        return reverse("following:initiative_feed", kwargs={"slug": target.slug})
    if kind == "group":
        return reverse("following:group_feed", kwargs={"slug": target.slug})
    return ""
