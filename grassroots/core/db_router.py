"""Reads that may be a few seconds stale go to a streaming replica; everything else to the primary.

Only when a `replica` database is configured (DATABASE_REPLICA_URL; docs/decisions/0011). A
read goes to the replica when all of these hold, and to the primary otherwise:

- it happens inside a web request that opted in (`ReplicaReadsMiddleware`) or a block that did
  (`replica_reads()`): tasks and management commands read the primary unless they ask;
- the request is a GET or HEAD, and the browser did not write in the last `REPLICA_PIN_SECONDS`
  (a signed cookie set after any request that wrote): a person always sees their own change;
- nothing was written earlier in the same request, and no transaction is open on the primary;
- the model is not one whose reads decide money, votes or permissions (`PRIMARY_ONLY_APPS`,
  `PRIMARY_ONLY_MODELS`);
- the replica answers and is at most `REPLICA_MAX_LAG_SECONDS` behind. A replica that did not
  answer, or lagged, is left alone by this process for `REPLICA_RETRY_SECONDS`.

Writes always go to the primary.

The primary's health is remembered too, for one caller: the signed-out page cache, which draws
a page it will keep from the primary, asks `primary_unavailable()` first, and while the primary
is away draws the page from the replica instead and does not keep it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, connections
from django.db.models import Model
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

# Whole apps whose every read decides something: who somebody is and what roles they hold
# (accounts, Django's auth, allauth's addresses and two-factor set-up, sessions), money and the
# votes that spend it (funding), and the task queue.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "auth",
        "account",
        "mfa",
        "sessions",
        "funding",
        "django_tasks_database",
    }
)
# Single tables elsewhere: votes and ballots, and the rows that grant a role or let somebody
# inside something safeguarded (the rules predicates and the visibility grants read them).
PRIMARY_ONLY_MODELS = frozenset(
    {
        # Votes.
        "priorities.ballot",
        "priorities.ballotchoice",
        "priorities.support",
        "opinions.vote",
        "opinions.participant",
        # Roles: a councillor is a Councillor with a current term; safeguarding contacts.
        "places.councillor",
        "places.councillorterm",
        "moderation.safeguardingcontact",
        "moderation.moderationsettings",
        # Insiders of initiatives, groups and safeguarded conversations.
        "initiatives.membership",
        "initiatives.initiativeemailinvitation",
        "support.support",
        "support.invitation",
        "support.helprequest",
        "groups.groupmembership",
        "groups.groupemailinvitation",
        "conversations.conversationaccess",
    }
)

PIN_COOKIE = "grassroots_fresh"
PIN_SALT = "grassroots.core.db_router.pin"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# How often a process asks a replica that answers how far behind it is.
LAG_CHECK_SECONDS = 1.0


def reads_primary_only(model: type[Model]) -> bool:
    """Whether every read of this model goes to the primary."""
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS


def replica_configured() -> bool:
    return REPLICA in connections.settings


@dataclass
class _Reads:
    """Where the reads of one request (or `replica_reads()` block) may go."""

    replica: bool
    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("grassroots_replica_reads", default=None)


@dataclass
class _Health:
    """This process's view of the replica (one per process; a race only costs a check)."""

    down_until: float = 0.0
    checked_at: float = -math.inf


_health = _Health()


@dataclass(frozen=True)
class ReplicaStatus:
    state: Literal["ok", "unavailable", "lagging"]
    lag_seconds: float | None = None
    detail: str = ""


def mark_replica_down() -> None:
    """Send reads to the primary for REPLICA_RETRY_SECONDS, then try the replica again."""
    _health.down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    _health.checked_at = -math.inf
    conn = connections[REPLICA]
    try:
        conn.close()
    except DatabaseError:
        conn.connection = None


def replica_lag_seconds() -> float:
    """How far the replica's replay is behind the primary, in seconds (0 when caught up)."""
    conn = connections[REPLICA]
    if conn.vendor != "postgresql":
        conn.ensure_connection()
        return 0.0
    with conn.cursor() as cursor:
        # Replay time alone grows while the primary is idle; a replica that has replayed all it
        # has received is as fresh as it can be. Just after a restart the receive position is
        # the start of a WAL segment, behind what was already replayed, until the primary next
        # writes: that is caught up too. A server not in recovery is no replica at all (the
        # test mirror): nothing to wait for.
        cursor.execute(
            "SELECT CASE"
            " WHEN NOT pg_is_in_recovery() THEN 0"
            " WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
        row = cursor.fetchone()
    return max(0.0, float(row[0])) if row else 0.0


def check_replica() -> ReplicaStatus:
    """Ask the replica now whether it answers and how far behind it is; remember the answer."""
    conn = connections[REPLICA]
    try:
        conn.close_if_health_check_failed()
        lag = replica_lag_seconds()
    except DatabaseError as exc:
        logger.warning("Database replica unavailable, reading from the primary: %s", exc)
        mark_replica_down()
        return ReplicaStatus(
            "unavailable", detail=f"The replica did not answer ({type(exc).__name__})."
        )
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        logger.warning("Database replica %.1f s behind, reading from the primary", lag)
        mark_replica_down()
        return ReplicaStatus(
            "lagging",
            lag_seconds=lag,
            detail=f"The replica is more than {settings.REPLICA_MAX_LAG_SECONDS} s behind.",
        )
    _health.down_until = 0.0
    _health.checked_at = time.monotonic()
    return ReplicaStatus("ok", lag_seconds=lag)


def replica_usable() -> bool:
    """Whether reads may go to the replica now: configured, answering and not too far behind."""
    if not replica_configured():
        return False
    now = time.monotonic()
    if now < _health.down_until:
        return False
    if now - _health.checked_at < LAG_CHECK_SECONDS:
        # Checked a moment ago; still make sure this thread's connection is (re)made, so a
        # replica that has just gone is noticed here and not by a page's query.
        conn = connections[REPLICA]
        try:
            conn.close_if_health_check_failed()
            conn.ensure_connection()
        except DatabaseError:
            mark_replica_down()
            return False
        return True
    return check_replica().state == "ok"


def forget_replica_health() -> None:
    """Try the replica again on the next read, whatever happened before (tests, operators)."""
    _health.down_until = 0.0
    _health.checked_at = -math.inf


def replica_down_for_now() -> bool:
    """Whether this process is leaving the replica alone after it failed or lagged."""
    return time.monotonic() < _health.down_until


@dataclass
class _PrimaryHealth:
    """This process's view of the primary: it refused, so it is left alone until then."""

    down_until: float = 0.0


_primary_health = _PrimaryHealth()


def mark_primary_down() -> None:
    """Do not ask the primary again for PRIMARY_RETRY_SECONDS (`primary_unavailable`)."""
    _primary_health.down_until = time.monotonic() + settings.PRIMARY_RETRY_SECONDS


def forget_primary_health() -> None:
    """Ask the primary again on the next `primary_unavailable()` (tests, operators)."""
    _primary_health.down_until = 0.0


def primary_unavailable() -> bool:
    """Whether the primary is away: it refused within PRIMARY_RETRY_SECONDS, or refuses now.

    Asking makes (or, with CONN_HEALTH_CHECKS, checks) the connection the request's first query
    would make anyway, so while the primary is up it costs nothing. A refusal is remembered, so
    a primary that does not answer at all costs its connect timeout once per
    PRIMARY_RETRY_SECONDS and process, not on every request.
    """
    if time.monotonic() < _primary_health.down_until:
        return True
    conn = connections[PRIMARY]
    try:
        conn.close_if_health_check_failed()
        conn.ensure_connection()
    except DatabaseError as exc:
        logger.warning("Database primary unavailable: %s", exc)
        mark_primary_down()
        return True
    return False


def reads_may_use_replica() -> bool:
    """Whether reads here may go to the replica (a request or block that opted in, still fit)."""
    reads = _reads.get()
    return reads is not None and reads.replica


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads in this block go to the replica, as a GET request's do.

    For tasks and commands that only read and may be a few seconds stale; without it they
    read the primary.
    """
    token = _reads.set(_Reads(replica=replica_usable()))
    try:
        yield
    finally:
        _reads.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Read the primary in this block, whatever the request would otherwise do.

    The signed-out page cache draws a page it will keep here: a replica a moment behind would
    otherwise store, under the newest generation, a page from before the latest write. (While
    the primary is away it draws from the replica and keeps nothing: `primary_unavailable`.)
    """
    token = _reads.set(_Reads(replica=False))
    try:
        yield
    finally:
        _reads.reset(token)


class PrimaryReplicaRouter:
    """Django database router: see the module's docstring for where each read goes."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        reads = _reads.get()
        if reads is None or not reads.replica or reads_primary_only(model):
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            # A related lookup from a row read on the primary stays there.
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None:
            # Read-your-writes: the rest of this request reads the primary, and so does the
            # browser's next REPLICA_PIN_SECONDS (the middleware sets the cookie).
            reads.replica = False
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # Both aliases are the same database.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        # A replica copies the primary's schema; nothing migrates it.
        return False if db == REPLICA else None


def _pinned(request: HttpRequest) -> bool:
    """Whether this browser wrote within the last REPLICA_PIN_SECONDS (signed, so unforgeable)."""
    if PIN_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS
    )
    return value is not None


class ReplicaReadsMiddleware:
    """Decides, per request, whether its reads may go to the replica; pins writers' browsers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        unsafe = request.method not in _SAFE_METHODS
        reads = _Reads(replica=not unsafe and not _pinned(request) and replica_usable())
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if unsafe or reads.wrote:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


@receiver(got_request_exception)
def _replica_failed_mid_request(
    sender: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A replica that broke during a request is left alone from the next request on."""
    if _reads.get() is None or not replica_configured():
        return
    conn = connections[REPLICA]
    if conn.connection is not None and not conn.is_usable():
        logger.warning("Database replica failed during a request, reading from the primary")
        mark_replica_down()
