"""gunicorn's configuration: sync workers, two a core, and hooks that keep what a worker
loaded out of Python's cycle collections.

The tests that run the site under a real gunicorn (test_healthz.py, test_behind_proxy.py)
start it with this configuration, so they show that it loads and that the site serves with it.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import os
import weakref
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


def collected_from(thing: object) -> bool:
    """Whether the collector still walks `thing`: frozen objects are not among its objects."""
    return any(candidate is thing for candidate in gc.get_objects())


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.partner: Node | None = None


def serve(requests: int) -> None:
    for _ in range(requests):
        gunicorn_conf.post_request(worker=None, req=None, environ={}, resp=None)


def test_a_worker_freezes_what_it_loaded_before_its_first_request() -> None:
    loaded = {"templates": ["base.html"]}  # something the site keeps for good
    assert collected_from(loaded)

    gunicorn_conf.post_worker_init(worker=None)

    assert not collected_from(loaded)
    assert gc.get_freeze_count() > 0


def test_garbage_of_that_moment_is_collected_not_kept_for_good() -> None:
    first, second = Node(), Node()
    first.partner, second.partner = second, first  # a cycle: only the collector frees it
    watched = weakref.ref(first)
    del first, second

    gunicorn_conf.post_worker_init(worker=None)

    assert watched() is None


def test_it_freezes_again_at_its_five_hundredth_request_and_only_then() -> None:
    drawn = {"page": ["drawn after start-up"]}  # a list inside: the collector tracks it

    serve(gunicorn_conf.FREEZE_AGAIN_AFTER - 1)
    assert gc.get_freeze_count() == 0
    assert collected_from(drawn)

    serve(1)
    assert not collected_from(drawn)
    frozen = gc.get_freeze_count()

    later = {"page": ["drawn after the second freeze"]}
    serve(gunicorn_conf.FREEZE_AGAIN_AFTER)
    assert gc.get_freeze_count() == frozen
    assert collected_from(later)


def test_web_processes_answer_one_request_at_a_time_two_a_core_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    try:
        monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
        importlib.reload(gunicorn_conf)
        assert gunicorn_conf.worker_class == "sync"
        assert gunicorn_conf.workers == 2 * len(os.sched_getaffinity(0))

        monkeypatch.setenv("WEB_CONCURRENCY", "3")
        importlib.reload(gunicorn_conf)
        assert gunicorn_conf.workers == 3
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)
