"""Recomputing opinion maps in the background, at most once per map per debounce window.

Every vote and every moderation decision calls `schedule_recompute(map_id)`. The first call in
a window wins an atomic `cache.add` and queues `recompute_map` to run when the window ends;
the others find the key and do nothing. The run clears the key before it starts, so votes
cast while it runs queue the next one; and if it finds more votes than the computation saw,
it queues again itself. The engine runs single-threaded (`compute_map` asks for one BLAS
thread), so a worker never takes more than one core per map.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from grassroots.core.taskqueue import enqueue
from grassroots.opinions.computing import compute_map
from grassroots.opinions.models import Vote

# Seconds between recomputations of one map, however many votes arrive.
DEBOUNCE = 30


def _key(map_id: int) -> str:
    return f"opinions.recompute.{map_id}"


def _enqueue(map_id: int) -> None:
    if recompute_map.get_backend().supports_defer:
        when = timezone.now() + datetime.timedelta(seconds=DEBOUNCE)
        enqueue(recompute_map, map_id, run_after=when)
    else:
        enqueue(recompute_map, map_id)


def schedule_recompute(map_id: int) -> bool:
    """Queue a recomputation of the map after the commit unless one is queued already;
    whether this call queued it."""
    if not cache.add(_key(map_id), "queued", timeout=DEBOUNCE * 2):
        return False
    _enqueue(map_id)
    return True


@task()
def recompute_map(map_id: int) -> int:
    """Compute the map; returns how many votes the computation saw (-1 when another run held
    the map, or it is gone)."""
    cache.delete(_key(map_id))
    computed = compute_map(map_id)
    if computed is None:
        return -1
    if Vote.objects.filter(map_id=map_id).count() > computed.computed_votes:
        schedule_recompute(map_id)
    return computed.computed_votes


def is_queued(map_id: int) -> bool:
    return cache.get(_key(map_id)) is not None
