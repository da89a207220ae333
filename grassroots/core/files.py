"""Handing over a stored upload once its owner's view has decided the person may see it.

The view applies the visibility rule of the object the file belongs to (an update's initiative,
a councillor's public profile) and answers 404 exactly as for a missing object; then
`serve_private_file` sends the file in the way `PRIVATE_MEDIA_SERVE` says:

- "django" (the default): Django streams it (`FileResponse`); works under gunicorn alone;
- "nginx": an empty response with `X-Accel-Redirect: <PRIVATE_MEDIA_INTERNAL_URL><name>`, for
  an nginx `internal` location that maps to MEDIA_ROOT (docs/operations.md);
- "sendfile": an empty response with `X-Sendfile: <MEDIA_ROOT>/<name>` (Apache mod_xsendfile,
  lighttpd).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers

from grassroots.core.images import CONTENT_TYPES

# How long a browser may keep a file. Public ones may be kept by shared caches too.
PUBLIC_MAX_AGE = 60 * 60
PRIVATE_MAX_AGE = 10 * 60


def serve_private_file(
    request: HttpRequest, file: FieldFile | None, *, public: bool
) -> HttpResponseBase:
    """Send `file` (already checked: the person may see its owner) or 404 if there is none.

    `public`: whether anybody may see it; otherwise responses are `Cache-Control: private`
    so no shared cache keeps a copy for someone else.
    """
    name = file.name if file else ""
    if not name or ".." in PurePosixPath(name).parts or name.startswith("/"):
        raise Http404
    content_type = CONTENT_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None:
        raise Http404
    mode = getattr(settings, "PRIVATE_MEDIA_SERVE", "django")
    response: HttpResponseBase
    if mode == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = settings.PRIVATE_MEDIA_INTERNAL_URL.rstrip("/") + "/"
        response["X-Accel-Redirect"] = prefix + quote(name)
    elif mode == "sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = default_storage.path(name)
    else:
        try:
            handle: Any = default_storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=PRIVATE_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
    return response
