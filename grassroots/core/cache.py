"""The Redis cache, tolerant of Redis being away (decision record 0012).

Django's own `RedisCache`, with every call guarded: while Redis cannot be reached a read is a
miss, a write is logged and dropped, and pages carry on from the database. A dead Redis costs
one short connection attempt (`socket_connect_timeout`, no client retries), and after a failure
the process does not try again for `RETRY_AFTER` seconds, so a page with many cache calls pays
it once.

Two things would go wrong if nothing more were done:

- A write dropped during the outage (a delete that invalidates, a version counter bumped, a
  session removed at sign-out) would leave the old value in Redis if Redis comes back with its
  data. So a process that dropped a write removes every key under the cache's `KEY_PREFIX`
  (nothing else in that Redis database) the first time Redis answers again, before it reads.
- Keys used to coordinate rather than to remember (rate-limit counters, allauth's sign-in
  limits and their locks, the opinion map debounce) would otherwise all fail the same way, so
  every limit would refuse everything or allow everything. Keys starting with one of
  `LOCAL_FALLBACK_PREFIXES` are kept in this process's memory while Redis is away: the limits
  keep working, counted per process instead of across the site.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Errors that mean "Redis is not there", not "this call was wrong" (the task queue's too:
# core.taskqueue falls back to the database on these).
UNAVAILABLE = (RedisError, OSError)


class _Health:
    """What one process knows about one Redis server, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.down_until = 0.0
        self.lost_writes = False


_HEALTH: dict[str, _Health] = {}
_HEALTH_LOCK = threading.Lock()


def _health_for(server: str) -> _Health:
    with _HEALTH_LOCK:
        return _HEALTH.setdefault(server, _Health())


class TolerantRedisCache(RedisCache):
    """`RedisCache` that degrades to a miss (or process memory, for coordination keys) while
    Redis is unreachable, and forgets possibly stale entries when Redis returns."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 2.0))
        self.local_prefixes = tuple(options.pop("LOCAL_FALLBACK_PREFIXES", ()))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        # redis-py retries a failed command three times with backoff by default: a dead Redis
        # would then cost seconds per call. One try; the next call is the retry.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._server_key = server if isinstance(server, str) else ",".join(server)
        self._health = _health_for(self._server_key)
        self._local = LocMemCache(
            f"grassroots-redis-fallback:{self._server_key}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 10_000},
            },
        )

    # --- the guard around every call

    def _call(self, op: str, key: Any, failed: Any, *args: Any, **kwargs: Any) -> Any:
        health = self._health
        write = op in _WRITES
        if time.monotonic() >= health.down_until:
            try:
                if health.lost_writes:
                    self._forget_stale()
                if op == "clear":
                    result: Any = self._remove_ours()
                else:
                    result = getattr(RedisCache, op)(self, *args, **kwargs)
            except UNAVAILABLE as error:
                with health.lock:
                    first, health.down = not health.down, True
                    health.down_until = time.monotonic() + self.retry_after
                if first:
                    logger.warning(
                        "Redis cache unavailable (%s: %s): carrying on without it",
                        type(error).__name__,
                        error,
                    )
            else:
                if health.down:
                    health.down = False
                    logger.warning("Redis cache available again")
                return result
        if write:
            health.lost_writes = True
        if isinstance(key, str) and self.local_prefixes and key.startswith(self.local_prefixes):
            return getattr(self._local, op)(*args, **kwargs)
        if isinstance(failed, BaseException):
            raise failed
        return failed

    def _remove_ours(self) -> int:
        """Remove every key under this cache's prefix (never the whole Redis database, which
        may hold other things); how many went."""
        prefix = self.key_prefix
        if not prefix:
            logger.warning("The Redis cache has no KEY_PREFIX: its keys cannot be told apart")
            return 0
        client = self._cache.get_client(None, write=True)
        removed = 0
        batch: list[Any] = []
        for name in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(name)
            if len(batch) >= 1000:
                removed += int(client.unlink(*batch))
                batch = []
        if batch:
            removed += int(client.unlink(*batch))
        return removed

    def _forget_stale(self) -> None:
        """Redis is back after this process dropped writes: remove everything under our prefix
        before reading anything (the flag stays if Redis fails half way)."""
        removed = self._remove_ours()
        with self._health.lock:
            self._health.lost_writes = False
        logger.warning(
            "Redis cache is back: removed %d keys that may have missed changes made while it "
            "was away",
            removed,
        )

    # --- Django's cache API

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return bool(self._call("add", key, False, key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._call("set", key, None, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", key, False, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", key, False, key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        found: dict[Any, Any] = self._call("get_many", None, {}, keys, version)
        return found

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, False, key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A counter Redis cannot be asked about is, like one never set, "not found".
        missing = ValueError(f"Key '{key}' not found (the cache is unavailable).")
        value: int = self._call("incr", key, missing, key, delta, version)
        return value

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        self._call("set_many", None, None, data, timeout, version)
        return []

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", None, None, keys, version)

    def clear(self) -> None:
        self._call("clear", None, None)


_WRITES = frozenset({"add", "set", "touch", "delete", "incr", "set_many", "delete_many", "clear"})
