"""Site-wide pages: health check, accessibility statement, privacy notice, errors."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from grassroots.core import db_router
from grassroots.core.models import TaskOutbox

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 with the reason when not.

    With a replica configured, also its state ("ok", "unavailable" or "lagging") and how far
    behind it is; the answer stays 200 while only the replica is away (reads use the primary).

    `?detail=1`, for site admins signed in or a monitor sending `Authorization: Bearer
    <HEALTHZ_TOKEN>`, adds the background tasks: how many failed in the last 24 hours and how
    long the oldest waiting one has waited (database task backend).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Health check failed: database unavailable: %s", exc)
        # Say what is wrong, but not the connection details in the exception's message.
        return JsonResponse(
            {
                "status": "error",
                "database": "unavailable",
                "detail": f"The database did not answer ({exc.__class__.__name__}).",
                **_replica_health(),
            },
            status=503,
        )
    body: dict[str, Any] = {"status": "ok", "database": "ok", **_replica_health()}
    if request.GET.get("detail"):
        if not _may_see_detail(request):
            return JsonResponse({"status": "forbidden"}, status=403)
        body["tasks"] = _task_health()
    return JsonResponse(body)


def _replica_health() -> dict[str, Any]:
    """The replica's state when one is configured: reads fall back to the primary without it,
    so a replica away or behind leaves /healthz at 200, with the reason."""
    if not db_router.replica_configured():
        return {}
    replica = db_router.check_replica()
    body: dict[str, Any] = {"replica": replica.state}
    if replica.lag_seconds is not None:
        body["replica_lag_seconds"] = round(replica.lag_seconds, 1)
    if replica.detail:
        body["replica_detail"] = replica.detail
    return body


def _may_see_detail(request: HttpRequest) -> bool:
    token: str = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and constant_time_compare(given, token):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _task_health() -> dict[str, Any]:
    """Failed tasks in the last 24 hours, and the wait of the oldest task ready to run."""
    now = timezone.now()
    failed = DBTaskResult.objects.failed().filter(finished_at__gte=now - timedelta(hours=24))
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.aggregate(oldest=Min("enqueued_at"))["oldest"]
    # Tasks kept in the database while Redis was away (core/taskqueue.py), not yet relayed.
    outbox = TaskOutbox.objects.aggregate(count=Count("id"), oldest=Min("created_at"))
    return {
        "backend": settings.TASK_BACKEND,
        "failed_last_24h": failed.count(),
        "waiting": waiting.count(),
        "oldest_waiting_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "waiting_for_redis": outbox["count"],
        "oldest_waiting_for_redis_seconds": (
            int((now - outbox["oldest"]).total_seconds()) if outbox["oldest"] else 0
        ),
    }


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# SQLSTATEs that mean the server is away rather than that the query was wrong: class 08
# (connection exceptions), and the server shutting down, crashing or still starting up.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says a database could not be reached (then 503, not 500)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "get_new_connection":
            return True  # failed while connecting
        tb = tb.tb_next
    # psycopg: an error libpq raised without the server (the connection was lost) has no
    # SQLSTATE; SQLite's errors have no such attribute and are never "unavailable" here.
    cause = exc.__cause__
    if cause is None or not hasattr(cause, "sqlstate"):
        return False
    sqlstate: str | None = cause.sqlstate
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The site's "service unavailable" page: the database is away, try again in a few minutes."""
    # Like the 500 page, drawn without the request context and without the database.
    context = {"SITE_NAME": settings.SITE_NAME, "COUNCIL_NAME": settings.COUNCIL_NAME}
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = "120"
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while Django handles the exception: a database that cannot be reached is a 503.
    exc = sys.exc_info()[1]
    if exc is not None and database_unavailable(exc):
        return service_unavailable(request)
    # Render without the request context: whatever broke may break the context processors too.
    context = {"SITE_NAME": settings.SITE_NAME, "COUNCIL_NAME": settings.COUNCIL_NAME}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
