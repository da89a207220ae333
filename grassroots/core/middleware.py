"""The site's own error pages, also on a development site.

With DEBUG on, Django answers a missing page or a crash with its debug pages (URL patterns,
settings, a traceback). `make run` shows the demo to people trying it, so they should see the
site's own 404 and 500 pages as they would on a real site; the traceback still goes to the
terminal (the `django.request` log). A developer who wants Django's debug pages sets
DEBUG_ERROR_PAGES=true. With DEBUG off Django already uses the site's pages, and this does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

from grassroots.core import views

logger = logging.getLogger("django.request")


class SiteErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return bool(settings.DEBUG) and not settings.DEBUG_ERROR_PAGES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address that matches no URL pattern never reaches a view (or process_exception):
        # Django has already drawn its debug 404, so it is replaced here.
        if self.active() and response.status_code == 404 and request.resolver_match is None:
            return views.page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self.active():
            return None
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return views.bad_request(request, exception)
        if views.database_unavailable(exception):
            logger.error("Service Unavailable: %s", request.path, exc_info=exception)
            return views.service_unavailable(request)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return views.server_error(request)
