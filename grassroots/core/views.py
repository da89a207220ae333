"""Site-wide pages: health check, accessibility statement, privacy notice, errors."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from grassroots.core.models import TaskOutbox

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 with the reason when not.

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
            },
            status=503,
        )
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    if request.GET.get("detail"):
        if not _may_see_detail(request):
            return JsonResponse({"status": "forbidden"}, status=403)
        body["tasks"] = _task_health()
    return JsonResponse(body)


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


def server_error(request: HttpRequest) -> HttpResponse:
    # Render without the request context: whatever broke may break the context processors too.
    context = {"SITE_NAME": settings.SITE_NAME, "COUNCIL_NAME": settings.COUNCIL_NAME}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
