"""gunicorn's hooks keep what a worker loaded out of Python's cycle collections.

The tests that run the site under a real gunicorn (test_healthz.py, test_behind_proxy.py)
start it with this configuration, so they show that it loads and that the site serves with it.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator

import pytest

from grassroots import gunicorn_conf


@pytest.fixture(autouse=True)
def _thawed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with nothing frozen and a worker that has served no request."""
    gc.unfreeze()
    monkeypatch.setattr(gunicorn_conf, "_served", itertools.count(1))
    yield
    gc.unfreeze()


def test_a_worker_freezes_what_it_loaded_before_its_first_request() -> None:
    loaded = [object() for _ in range(10)]  # tracked objects alive when the worker is ready
    gc.collect()

    gunicorn_conf.post_worker_init(worker=None)

    assert gc.get_freeze_count() >= len(loaded)


def test_garbage_of_the_moment_is_collected_not_kept_for_good() -> None:
    cycle: list[object] = []
    cycle.append(cycle)
    collected: list[int] = []
    gc.callbacks.append(lambda phase, info: collected.append(info["collected"]))
    try:
        del cycle
        gunicorn_conf.post_worker_init(worker=None)
    finally:
        gc.callbacks.pop()

    assert sum(collected) >= 1


def test_it_freezes_again_at_its_five_hundredth_request_and_only_then() -> None:
    def serve(times: int) -> None:
        for _ in range(times):
            gunicorn_conf.post_request(worker=None, req=None, environ={}, resp=None)

    serve(gunicorn_conf.FREEZE_AGAIN_AFTER - 1)
    assert gc.get_freeze_count() == 0

    serve(1)
    frozen = gc.get_freeze_count()
    assert frozen > 0

    later: list[list[int]] = [[] for _ in range(1000)]  # new objects after the second freeze
    serve(gunicorn_conf.FREEZE_AGAIN_AFTER)
    assert gc.get_freeze_count() == frozen
    assert len(later) == 1000
