"""One person's burst of news reaches each follower as one email, not a dozen.

Progress updates, new conversations and new events go to every follower of an initiative,
group or ward (`Kind.FOLLOWING`). Posting is rate-limited (`core.ratelimits`), but even a few
posts in a row would each send an email to everybody. So a follower who chose "straight away"
gets at most one such email per person who made the news in each window
(`FOLLOWING_EMAIL_WINDOW_MINUTES`, an hour by default); the rest of that person's news waits for
the next daily digest (`digests.due`), and is on the site at once as always.

Who was emailed when is kept in the cache, like the rate limits (Redis in production, so that
every web process sees it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

# Off while the demo is built: it tells months of news in one go, and holding that back by the
# hour would make each run of `seed_demo` leave different emails and digests behind.
_holding = ContextVar("grassroots_news_holding", default=True)


@contextmanager
def not_held_back() -> Iterator[None]:
    """Within this block nobody's news is held back (and no window is started)."""
    token = _holding.set(False)
    try:
        yield
    finally:
        _holding.reset(token)


def _key(actor_id: int, recipient_id: int) -> str:
    return f"grassroots:news-email:{actor_id}:{recipient_id}"


def hold_back(*, actor_id: int, recipient_ids: Iterable[int]) -> set[int]:
    """Those of `recipient_ids` already emailed news from `actor_id` in this window; the
    others are recorded as emailed now. Two cache round trips, whatever the number."""
    keys = {_key(actor_id, pk): pk for pk in recipient_ids}
    if not keys or not _holding.get():
        return set()
    held = {keys[key] for key in cache.get_many(list(keys))}
    window = 60 * int(settings.FOLLOWING_EMAIL_WINDOW_MINUTES)
    cache.set_many({key: 1 for key, pk in keys.items() if pk not in held}, timeout=window)
    return held
