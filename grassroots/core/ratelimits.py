"""Rate limits on posting and reporting, kept in the cache (Redis in production).

Built on django-ratelimit's `is_ratelimited` (a fixed window per user in the cache). Every
POST counts, whether or not it was saved, so hammering the form with bad input is limited
too. Over the limit the view is not run at all: the person gets a 429 page that says how long
to wait, and nothing is saved. Rates can be changed with the `GRASSROOTS_RATE_LIMITS` setting,
for example {"report": ["10/h"], "post": ["6/m", "60/h"]}. Signed-in people are counted by
account, anyone else by their address (`core.net.client_ip`, behind the trusted proxies).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

DEFAULT_RATES: dict[str, list[str]] = {
    # Reports: a few a minute is plenty for anyone; more looks like a pile-on.
    "report": ["5/m", "20/h"],
    # Replies: a lively conversation, not a flood.
    "post": ["6/m", "60/h"],
    # Progress updates, new conversations, events and venues each reach every follower of an
    # initiative, group or ward: a few in a row is normal, a dozen in seconds is a flood.
    "update": ["3/m", "12/h"],
    "conversation": ["3/m", "10/h"],
    "event": ["5/m", "20/h"],
    "venue": ["5/m", "20/h"],
    # Suggestions in a priority exercise: a handful each is plenty; the organisers read them all.
    "suggestion": ["5/m", "20/h"],
    # Statements in an opinion map: each waits for a moderator, so a handful is plenty.
    "statement": ["5/m", "20/h"],
    # Proposals in a participatory-budgeting round: each is checked by the partnership.
    "pb_proposal": ["5/m", "20/h"],
    # Suggested directory listings and corrections: each waits for an editor.
    "listing_suggestion": ["5/m", "20/h"],
    # Offers of help: a few at a time is plenty for one person or organisation.
    "offer": ["5/m", "20/h"],
    # Introductions each reach an offerer: a lead asking a handful for each need is plenty.
    "introduction": ["5/m", "30/h"],
    # Places that matter and their Assets of Community Value steps: each step tells every
    # follower of the place, so a handful at a time is plenty.
    "asset": ["5/m", "30/h"],
}
_PERIOD_WORDS = {"s": "a few seconds", "m": "a minute", "h": "an hour", "d": "a day"}


def rates(action: str) -> list[str]:
    configured: dict[str, list[str]] = getattr(settings, "GRASSROOTS_RATE_LIMITS", {})
    return configured.get(action, DEFAULT_RATES[action])


def over_limit(request: HttpRequest, action: str) -> str | None:
    """Count this request against every rate of `action`; the rate it broke, or None."""
    broken = None
    for rate in rates(action):
        if is_ratelimited(
            request,
            group=f"grassroots.{action}.{rate}",
            key="user_or_ip",
            rate=rate,
            method=ALL,
            increment=True,
        ):
            broken = broken or rate
    return broken


def too_many(request: HttpRequest, action: str, rate: str) -> HttpResponse:
    period = rate.split("/")[1].lstrip("0123456789") or "m"
    return render(
        request,
        "core/too_many.html",
        {"action": action, "wait": _PERIOD_WORDS.get(period, "a while")},
        status=429,
    )


def rate_limited(
    action: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view so that its POSTs are limited by the rates of `action`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                broken = over_limit(request, action)
                if broken is not None:
                    return too_many(request, action, broken)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
