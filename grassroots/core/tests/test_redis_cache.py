"""With REDIS_URL set, the cache (and so the sign-in rate limits) lives in Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import redis

from grassroots.conftest import require

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_the_cache_uses_redis_when_redis_url_is_set() -> None:
    require(_redis_available(), f"Redis not reachable at {REDIS_URL}")
    key = f"probe-{uuid.uuid4().hex}"
    script = (
        "from django.core.cache import cache; "
        f"cache.set('{key}', 'stored', 60); "
        "print(type(cache._cache).__module__)"  # the backend's client module
    )
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed script
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "redis" in result.stdout
    client = redis.Redis.from_url(REDIS_URL)
    stored = list(client.scan_iter(match=f"*{key}"))
    assert len(stored) == 1
    client.delete(*stored)
