"""gunicorn's settings and hooks for Grassroots: `gunicorn -c python:grassroots.gunicorn_conf
grassroots.wsgi`.

Python's cycle collector now and then walks every object the process holds (a collection of
its oldest generation). A worker that has loaded the site holds about 260,000 objects, and
some 50,000 more once it has drawn its pages; on the 2-core bench machine one such walk took
180 to 280 ms, in the middle of whichever request set it off. `gc.freeze()` moves the
objects alive at that moment out of the collector's sight for good: what the site loaded
once (modules, URL patterns, compiled templates, message catalogues) is never garbage, so
nothing is lost by not walking it, and each later walk covers only what came after
(docs/decisions/0025-frozen-start-up-objects.md).

The freeze happens twice in each worker. The first, once the site is loaded and before the
worker's first request, follows a full collection (no one waits for it), so that no garbage
of the moment is kept for good. The second, after the worker's first `FREEZE_AGAIN_AFTER`
requests, takes in what drawing the busy pages added (compiled templates, filled caches); it
does not collect first, which would keep the requests waiting for this worker, and so may keep
what little garbage is waiting at that moment for a collection: since the first freeze, full
collections walk only the objects that came after it, so they come often and leave little.
"""

from __future__ import annotations

import gc
import itertools
import os
from typing import Any

# One request at a time in each worker process, two processes a core: a sync worker takes a
# connection only when it is free and closes it after the answer, so each request goes to a
# free worker (docs/decisions/0026-one-request-per-web-process.md says why not threads). The
# command line's --workers and --worker-class still win; WEB_CONCURRENCY sets the workers too.
worker_class = "sync"
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (_CORES or 1))
# A sync worker busy past `timeout` seconds is stopped with its request. The longest request
# known is the whole country's initiative list as CSV (/initiatives/export.csv, 196,000 rows):
# 85 s on the 2-core bench machine with nothing else running.
timeout = 180

# Requests a worker serves before its second freeze: enough for the busy pages to have been
# drawn, few enough to come within seconds of a start at busy times.
FREEZE_AGAIN_AFTER = 500

_served = itertools.count(1)


def post_worker_init(worker: Any) -> None:
    """In each worker, once the application is loaded: keep the loaded site out of collections."""
    gc.collect()
    gc.freeze()


def post_request(worker: Any, req: Any, environ: dict[str, Any], resp: Any) -> None:
    """After each request: freeze once more when this worker reaches its FREEZE_AGAIN_AFTER'th.

    `next()` on an itertools.count is one step under the GIL, so even a threaded worker's
    threads never take the same number and the freeze happens exactly once.
    """
    if next(_served) == FREEZE_AGAIN_AFTER:
        gc.freeze()
