"""WSGI entry point for the load benchmark: the whole product, plus one bench-only view.

    gunicorn bench.refapp:application

The project's settings, middleware and URLs are used unchanged; only the URLconf is this
module's (and, if BENCH_STATIC_STORAGE names one, the static files storage). It serves
/bench/ok (a minimal Django view: HttpResponse("ok"), through the same middleware) and then
every URL of the product. Nothing here is reachable from the product.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
settings.ROOT_URLCONF = __name__
if os.environ.get("BENCH_STATIC_STORAGE"):
    # Only when the production storage can't be built here (bench.load says why).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": os.environ["BENCH_STATIC_STORAGE"]},
    }
application = get_wsgi_application()  # sets Django up before the URLs below are imported

REFERENCE_PATH = "/bench/ok"

handler400 = "grassroots.core.views.bad_request"
handler403 = "grassroots.core.views.permission_denied"
handler404 = "grassroots.core.views.page_not_found"
handler500 = "grassroots.core.views.server_error"


def ok(request: HttpRequest) -> HttpResponse:
    """The reference: the least a Django view can do, measured next to the real pages."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path(REFERENCE_PATH.lstrip("/"), ok, name="bench_ok"),
    path("", include("grassroots.urls")),
]
