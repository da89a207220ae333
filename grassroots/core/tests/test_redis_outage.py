"""When Redis stops: pages still answer, nobody is signed out, limits keep counting, and nothing
stale is served once it is back. A real Redis of the tests' own (redis_server.py), stopped and
started by the tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from allauth.core import ratelimit as allauth_ratelimit
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core import cache as tolerant
from grassroots.core.ratelimits import over_limit, rates
from grassroots.core.tests.redis_server import URL, RedisServer, redis_server

__all__ = ["redis_server"]

REDIS_CACHES = {
    "default": {
        "BACKEND": "grassroots.core.cache.TolerantRedisCache",
        "LOCATION": URL,
        "KEY_PREFIX": "grassroots-test",
        "OPTIONS": {
            # Try Redis again on every call, so a test sees it return at once.
            "RETRY_AFTER": 0,
            "LOCAL_FALLBACK_PREFIXES": ["rl:", "allauth:rl:", "opinions.recompute."],
        },
    }
}


@pytest.fixture
def redis_cache(redis_server: RedisServer) -> Iterator[RedisServer]:
    tolerant._HEALTH.clear()
    with override_settings(
        CACHES=REDIS_CACHES, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        assert isinstance(caches["default"], tolerant.TolerantRedisCache)
        caches["default"]._local.clear()
        yield redis_server
        caches["default"]._local.clear()
    tolerant._HEALTH.clear()


def test_the_cache_reads_as_empty_and_drops_writes_while_redis_is_stopped(
    redis_cache: RedisServer,
) -> None:
    cache.set("greeting", "hello", 60)
    assert cache.get("greeting") == "hello"
    redis_cache.stop()
    assert cache.get("greeting") is None
    assert cache.get("greeting", "default") == "default"
    cache.set("greeting", "changed", 60)  # dropped, no error
    assert cache.add("other", 1) is False
    assert cache.get_many(["greeting", "other"]) == {}
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    redis_cache.start()
    cache.set("greeting", "back", 60)
    assert cache.get("greeting") == "back"


@pytest.mark.django_db
def test_pages_answer_while_redis_is_stopped(redis_cache: RedisServer) -> None:
    redis_cache.stop()
    client = Client()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("initiatives:list")).status_code == 200


def test_a_change_dropped_while_redis_was_away_is_not_served_stale_when_it_returns(
    redis_cache: RedisServer,
) -> None:
    """Redis comes back with its data (it was only unreachable): entries whose delete or
    update was dropped meanwhile must not be served."""
    cache.set("page:v", 1, 600)
    cache.set("page:1", "the old page", 600)
    redis_cache.stop(keep_data=True)
    cache.delete("page:1")  # dropped
    cache.set("page:v", 2, 600)  # dropped
    redis_cache.start()
    assert redis_cache.client().exists("grassroots-test:1:page:1")  # Redis kept it...
    assert cache.get("page:1") is None  # ...but it is never served
    assert cache.get("page:v") is None
    assert not redis_cache.client().keys("grassroots-test:*")


def test_clearing_the_cache_leaves_other_keys_in_the_same_redis(
    redis_cache: RedisServer,
) -> None:
    cache.set("ours", 1, 60)
    redis_cache.client().set("rq:queue:someone-elses", "x")
    cache.clear()
    assert cache.get("ours") is None
    assert redis_cache.client().get("rq:queue:someone-elses") == b"x"


@pytest.mark.django_db
def test_a_signed_in_person_stays_signed_in_across_a_redis_outage_and_empty_restart(
    redis_cache: RedisServer,
) -> None:
    client = Client()
    client.force_login(UserFactory())
    profile = reverse("accounts:profile")
    assert client.get(profile).status_code == 200
    redis_cache.stop()
    assert client.get(profile).status_code == 200
    redis_cache.start()  # empty: --save '' and no data kept
    assert client.get(profile).status_code == 200


@pytest.mark.django_db
def test_signing_out_while_redis_is_away_holds_when_redis_returns_with_its_data(
    redis_cache: RedisServer,
) -> None:
    client = Client()
    client.force_login(UserFactory())
    profile = reverse("accounts:profile")
    assert client.get(profile).status_code == 200  # the session is now in Redis too
    stolen = client.cookies["sessionid"].value
    redis_cache.stop(keep_data=True)
    client.post(reverse("account_logout"))
    redis_cache.start()
    thief = Client()
    thief.cookies["sessionid"] = stolen
    response = thief.get(profile)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def _request(address: str = "192.0.2.10") -> object:
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_posting_limits_keep_counting_while_redis_is_stopped(redis_cache: RedisServer) -> None:
    redis_cache.stop()
    allowed = int(rates("report")[0].split("/")[0])
    request = _request()
    for _ in range(allowed):
        assert over_limit(request, "report") is None  # type: ignore[arg-type]
    assert over_limit(request, "report") == rates("report")[0]  # type: ignore[arg-type]
    assert over_limit(_request("192.0.2.99"), "report") is None  # type: ignore[arg-type]


@pytest.mark.django_db
def test_sign_up_limits_keep_counting_while_redis_is_stopped(redis_cache: RedisServer) -> None:
    redis_cache.stop()
    request = _request()
    results = [allauth_ratelimit.consume(request, action="signup") for _ in range(11)]
    assert results == [True] * 10 + [False]
