"""Whole pages for signed-out visitors, kept in the shared cache (Redis in production).

What may be stored is decided by the request and the response, never by a list of views:

- the request is a GET or HEAD that carries no cookie but the CSRF and language ones, and no
  `Authorization` header: whoever sent it is signed out and has nothing personal waiting
  (messages, a session). A signed-in person's page, and so an insider's view of a
  safeguarded initiative, is never stored and never served from here;
- the response is a 200 that sets no cookie (a page with a form carrying a CSRF token sets
  one) and has not said `private`, `no-cache` or `no-store`.

The key is the host, scheme, language and full path. Every stored page carries the
*generation* it was drawn at. The generation is one counter in the cache, moved on by every
committed write to a table that a public page may show: `watch_writes` sees the SQL of every
INSERT, UPDATE, DELETE, COPY and TRUNCATE sent through Django (services, the admin, imports,
`QuerySet.update`, raw SQL) and moves it on when the transaction commits. A page drawn before
the write is then never served again, so a change shows at once, on every web server, without
any view or service having to name the pages it affects. Tables that no public page shows
(sessions, notifications, audit entries, tasks, sign-in records) are listed in
`PRIVATE_TABLES`: writing them keeps the cache.

Responses to signed-in people (anything sent with a session cookie) are marked
`Cache-Control: private, no-store`, and every HTML page varies on `Cookie` and
`Accept-Language`, so no shared cache in front of the site (a proxy, a CDN) stores one
person's page for another.

A page that may be stored is drawn from the primary database, even when other reads go to a
replica: a replica a moment behind would otherwise store an old page under the new generation.
While the primary is away (`db_router.primary_unavailable`) a page missing from the cache is
drawn from the replica instead, for a request that may read it, and served but never stored:
`X-Page-Cache: miss` with `Cache-Control: no-store`, so no proxy keeps it either. Pages already
stored go on being served; once the primary answers again, pages are stored as before.

When the cache does not answer (Redis stopped), pages are drawn as if nothing were stored;
after an outage a page is at most `PAGE_CACHE_SECONDS` old.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import random
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString

from grassroots.core import db_router
from grassroots.core.request_cache import cached, remember

logger = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"

# Cookies a signed-out visitor may carry and still be served a stored page: the CSRF token
# (no stored page contains one) and the language choice (part of the key).
NEUTRAL_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})

# Tables no signed-out visitor's page shows anything of.
PRIVATE_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "core_auditentry",
        "django_tasks_database_dbtaskresult",
        "core_taskoutbox",
        "core_taskrun",
        "core_sentemail",
        "notifications_notification",
        "notifications_preference",
        "account_emailaddress",
        "account_emailconfirmation",
        "mfa_authenticator",
        "moderation_report",
        "directory_introduction",
        "learning_completion",
        "learning_reflection",
        "learning_selfassessment",
    }
)
_WRITE = re.compile(
    r"""^\s*(?:(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+"?([\w.]+)"?"""
    r"""|(WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b))""",
    re.IGNORECASE | re.DOTALL,
)
# Signing in records the time on the user row; no public page shows it.
_LAST_LOGIN_ONLY = re.compile(
    r'^\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*\S+\s+WHERE'
)


def seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


# --- The generation ---------------------------------------------------------------------------


def generation() -> int | None:
    """The current generation, or None when the cache does not answer."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            # A random start: a counter lost from the cache (evicted, Redis restarted) never
            # comes back at a value some stored page was drawn at.
            cache.add(GENERATION_KEY, random.getrandbits(62), timeout=None)
            value = cache.get(GENERATION_KEY)
    except Exception:  # any cache failure means "nothing stored"
        logger.warning("Page cache unavailable: reading the generation failed", exc_info=True)
        return None
    return int(value) if value is not None else None


def bump() -> None:
    """Move the generation on: every page stored so far is out of date."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: start one (nothing stored can match it)
        generation()
    except Exception:  # the cache is down: pages expire by themselves
        logger.warning("Page cache unavailable: could not mark pages out of date", exc_info=True)


# --- Values shared by everyone who would see the same -----------------------------------------

# What a key's parts may hold: their repr() is the same in every process.
Part = str | int | bool | None | tuple["Part", ...]


class _NearCache:
    """The shared values this process has read or drawn lately, by key, each with its
    generation: a value is found here only for the generation current in the cache, which
    each request reads once (`_request_generation`), so a write anywhere makes every entry
    here out of date as it does in Redis. It saves a round trip to Redis per value (a dozen
    on some pages). Values are kept pickled, as Redis keeps them, in at most `size` bytes, the
    least lately used going first; none larger than `largest`."""

    def __init__(self, size: int, largest: int) -> None:
        self.size = size
        self.largest = largest
        self.used = 0
        self.kept: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, current: int) -> bytes | None:
        with self.lock:
            found = self.kept.get(key)
            if found is None or found[0] != current:
                return None
            self.kept.move_to_end(key)
            return found[1]

    def put(self, key: str, current: int, pickled: bytes) -> None:
        if len(pickled) > self.largest:
            return
        with self.lock:
            old = self.kept.pop(key, None)
            if old is not None:
                self.used -= len(old[1])
            self.kept[key] = (current, pickled)
            self.used += len(pickled)
            while self.used > self.size:
                _, (_, dropped) = self.kept.popitem(last=False)
                self.used -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()
            self.used = 0


# 32 MB a process (a gunicorn worker): a national site's busiest pages' values and blocks.
_near = _NearCache(size=32 * 1024 * 1024, largest=256 * 1024)


def forget_near() -> None:
    """Empty this process's near copies (tests start each from an empty cache)."""
    _near.clear()


def _request_generation() -> int | None:
    """The generation, read from the cache once a request (again after a write in it)."""
    return cached(("pagecache.generation",), generation)


def shared(
    name: str,
    parts: tuple[Part, ...] | Callable[[], tuple[Part, ...]],
    compute: Callable[[], T],
    *,
    keep: Callable[[T], bool] | None = None,
) -> T:
    """The value of `compute()`, kept in the cache for the current generation and shared by
    every web process and every request that asks with the same `name` and `parts`.

    For what is drawn from public tables only (`PRIVATE_TABLES` aside), the same for everyone
    whose `parts` are the same: `parts` must hold everything the value depends on besides
    those tables (the host's key, and for something that depends on who is looking, what
    their view depends on, such as `initiatives.visibility.restricted_visible_ids()`; never a
    person's id for a value shared across people). It is then right by construction: a
    committed write to any public table moves the generation on and the value is drawn again.
    With the page cache off, or the cache not answering, it is computed each time (once a
    request).
    Values are pickled, so keep them small: ids, counts and short lists of rows.

    `parts` may be a function giving them, for a key that costs a query to know (such as a
    visibility answer): it is called only while the page cache is on. With it off, the value
    is then computed at each call (not once a request), and the key's query is never made.

    Nothing restricted is kept: `keep(value)` says whether a drawn value may be stored, and
    callers say no for anything drawn for someone who sees more than the public (a non-empty
    visibility answer) or holding a safeguarded or hidden thing. Such a value is drawn for each
    request (and remembered for the rest of it), never put in the cache."""
    if callable(parts) and seconds() <= 0:
        return compute()
    key = parts() if callable(parts) else parts
    return cached(("pagecache.shared", name, key), lambda: _shared(name, key, compute, keep))


def _shared(
    name: str,
    parts: tuple[Part, ...],
    compute: Callable[[], T],
    keep: Callable[[T], bool] | None = None,
) -> T:
    if seconds() <= 0:
        return compute()
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    # "v2": entries hold the value pickled (a process of an earlier release kept it bare).
    key = f"pagecache:shared:v2:{name}:{digest}"
    current = _request_generation()
    if current is None:  # a cache that does not answer holds nothing
        return compute()
    pickled = _near.get(key, current)
    if pickled is None:
        try:
            entry = cache.get(key)
        except Exception:
            logger.warning("Page cache unavailable: reading a shared value failed", exc_info=True)
            return compute()
        if entry is not None and entry[0] == current:
            pickled = entry[1]
            _near.put(key, current, pickled)
    if pickled is not None:
        # Each request unpickles its own copy: nothing one request sets on a kept object
        # (a permission, a form) can reach another.
        value: T = pickle.loads(pickled)  # noqa: S301 - written by this site's processes only
        remember(("pagecache.generation_of", name, parts), current)
        return value
    if db_router.reads_may_use_replica() and db_router.primary_unavailable():
        # The replica stands in, as for whole pages: its copy may be older than the
        # generation, so the value is used for this request and not kept.
        return compute()
    with db_router.primary_reads():  # what is kept must be as new as its generation
        value = compute()
    if keep is not None and not keep(value):
        return value
    remember(("pagecache.generation_of", name, parts), current)
    pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    _near.put(key, current, pickled)
    try:
        cache.set(key, (current, pickled), seconds())
    except Exception:
        logger.warning("Page cache unavailable: storing a shared value failed", exc_info=True)
    return value


def generation_of(name: str, parts: tuple[Part, ...]) -> int | None:
    """The generation of the value that `shared(name, parts, ...)` gave in this request, if it
    was kept (or could have been): something drawn from that value may be kept under a key
    holding it, and is never mistaken for a drawing of a later generation's value. None when
    the value was not kept, or not asked for in this request."""
    found: int | None = cached(("pagecache.generation_of", name, parts), lambda: None)
    return found


def kept_as(name: str, parts: tuple[Part, ...]) -> tuple[Part, ...] | None:
    """`(name, parts, generation)` when `shared(name, parts, ...)`'s value was kept in this
    request, for `kept_html()`; None otherwise."""
    kept_at = generation_of(name, parts)
    return None if kept_at is None else (name, parts, kept_at)


def unchanging(name: str) -> tuple[Part, ...] | None:
    """A `kept_html()` source for HTML that depends on nothing but the language (a blank form
    with no token in it), so it is drawn once a generation; None while the page cache is off."""
    if seconds() <= 0:
        return None
    current = _request_generation()
    return None if current is None else (name, current)


def kept_html(name: str, source: tuple[Part, ...] | None, draw: Callable[[], str]) -> SafeString:
    """HTML that `draw()` makes from a kept value, kept beside it in each language.

    `source` is what `kept_as()` said of that value (with anything else the HTML depends on,
    such as the ids of the rows it shows): its generation is in the key, so HTML drawn from a
    value read just before a write is never found after it. `draw()` may also read public
    tables itself: what it reads is at least as new as that generation, and a write to them
    moves the generation on. With `source` None (the value was not kept: the page cache is
    off, or the reader sees restricted things), the HTML is drawn for the request. `draw()`
    must use nothing about the reader: no form, name or permission."""
    if source is None:
        return SafeString(draw())
    return shared(name, (*source, translation.get_language()), lambda: SafeString(draw()))


def is_public_write(sql: str) -> bool:
    match = _WRITE.match(sql)
    if match is None:
        return False
    table = match.group(1)
    if table is None:  # a WITH … INSERT/UPDATE/DELETE: count it
        return True
    table = table.rsplit(".", 1)[-1].lower()
    if table in PRIVATE_TABLES:
        return False
    return not (table == "accounts_user" and _LAST_LOGIN_ONLY.match(sql))


def watch_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: after a write to a public table, bump at commit (while the
    page cache is on: with it off nothing is stored, so there is nothing to mark)."""
    result = execute(sql, params, many, context)
    if seconds() > 0 and isinstance(sql, str) and is_public_write(sql):
        connection: BaseDatabaseWrapper = context["connection"]
        if not any(entry[1] is bump for entry in connection.run_on_commit):
            transaction.on_commit(bump, using=connection.alias)
    return result


def install(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """For the `connection_created` signal: watch every connection's writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


# --- The middleware ---------------------------------------------------------------------------


def signed_out_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return False
    return all(name in NEUTRAL_COOKIES for name in request.COOKIES)


def storable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-cache", "no-store")):
        return False
    return bool(response.get("Content-Type", "").startswith("text/html"))


def key_for(request: HttpRequest) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"pagecache:page:{translation.get_language()}:{digest}"


class PublicPageCacheMiddleware:
    """Serve signed-out visitors' pages from the cache; mark signed-in pages private."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if seconds() <= 0 or not signed_out_request(request):
            return self.personal(request, self.get_response(request))
        key = key_for(request)
        try:  # the counter and the page in one round trip
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # a cache that does not answer holds nothing
            logger.warning("Page cache unavailable: reading a page failed", exc_info=True)
            found = {}
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()  # no counter yet (or no cache): start one, or say so
        entry = found.get(key) if current is not None else None
        if entry is not None and entry[0] == current:
            _, status, headers, content = entry
            stored = HttpResponse(content, status=status)
            for name, value in headers:
                stored[name] = value
            stored[HEADER] = "hit"
            return stored
        if current is None:
            response = self.get_response(request)
        elif db_router.reads_may_use_replica() and db_router.primary_unavailable():
            # The replica stands in: its copy may be older than the generation, so it is
            # served and kept by nobody, neither here nor in a proxy.
            response = self.get_response(request)
            self.public(response)
            if storable(response):
                response[HEADER] = "miss"
            patch_cache_control(response, no_store=True)
            return response
        else:
            with db_router.primary_reads():  # what is stored must be as new as its generation
                response = self.get_response(request)
        self.public(response)
        if current is not None and storable(response) and isinstance(response, HttpResponse):
            headers = [(k, v) for k, v in response.items() if k != HEADER]
            try:
                cache.set(
                    key, (current, response.status_code, headers, response.content), seconds()
                )
            except Exception:  # a cache that does not answer holds nothing
                logger.warning("Page cache unavailable: storing a page failed", exc_info=True)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def public(response: HttpResponseBase) -> None:
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Cookie", "Accept-Language"))

    @classmethod
    def personal(cls, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """A response to someone who may be signed in is for them alone."""
        if settings.SESSION_COOKIE_NAME in request.COOKIES or (
            getattr(request, "user", None) is not None and request.user.is_authenticated
        ):
            control = response.get("Cache-Control", "").lower()
            if "private" not in control and "public" not in control:
                patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ("Cookie",))
        else:
            cls.public(response)
        return response
