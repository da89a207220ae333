"""The near copies of shared values each web process keeps (`pagecache._NearCache`): found
only for the generation current in the shared cache, read once a request, and unpickled
afresh for each request."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from grassroots.core import pagecache
from grassroots.core.request_cache import scope

pytestmark = pytest.mark.usefixtures("page_cache_on")


class Counted:
    """Counts the reads of the shared cache (each is a round trip to Redis in production)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads = 0
        for name in ("get", "get_many"):
            real = getattr(cache, name)

            def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                self.reads += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(cache, name, counted)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted(monkeypatch)


def keep(name: str, value: object, drawn: list[str]) -> Any:
    def draw() -> object:
        drawn.append(name)
        return value

    return pagecache.shared(name, ("part",), draw)


def test_a_request_reads_the_generation_once_and_no_kept_value_again(reads: Counted) -> None:
    drawn: list[str] = []
    with scope():
        for n in range(5):
            keep(f"test.value{n}", n, drawn)
    assert len(drawn) == 5
    reads.reads = 0
    with scope():
        assert [keep(f"test.value{n}", -1, drawn) for n in range(5)] == [0, 1, 2, 3, 4]
    assert len(drawn) == 5  # none drawn again
    assert reads.reads == 1  # the generation; every value was near


def test_another_process_s_write_makes_the_near_copies_out_of_date() -> None:
    drawn: list[str] = []
    with scope():
        assert keep("test.titles", ["Canal clean-up"], drawn) == ["Canal clean-up"]
    # Another web server or a task worker commits a public write: the shared counter moves on.
    pagecache.bump()
    with scope():
        assert keep("test.titles", ["River clean-up"], drawn) == ["River clean-up"]
    assert drawn == ["test.titles", "test.titles"]


def test_a_value_found_in_the_shared_cache_is_then_kept_near() -> None:
    drawn: list[str] = []
    with scope():
        keep("test.titles", ["Canal clean-up"], drawn)
    pagecache.forget_near()  # as a second web process, which has drawn nothing yet
    with scope():
        assert keep("test.titles", ["not drawn"], drawn) == ["Canal clean-up"]
    cache.clear()  # the shared copy gone: only the near one is left, for the same generation
    with scope():
        assert keep("test.titles", ["drawn again"], drawn) == ["drawn again"]
    assert drawn == ["test.titles", "test.titles"]


def test_each_request_gets_its_own_copy() -> None:
    drawn: list[str] = []
    with scope():
        first = keep("test.rows", {"title": "Canal clean-up"}, drawn)
        first["may_edit"] = True  # what one request sets on a value for its reader
    with scope():
        second = keep("test.rows", {}, drawn)
    assert second == {"title": "Canal clean-up"}
    assert drawn == ["test.rows"]


def test_near_copies_are_bounded() -> None:
    near = pagecache._NearCache(size=30, largest=20)
    for n in range(5):
        near.put(f"key{n}", 7, b"x" * 10)
    near.put("key4", 7, b"y" * 10)  # kept again: counted once
    near.put("big", 7, b"x" * 21)
    assert [near.get(f"key{n}", 7) for n in range(5)] == [
        None,
        None,
        b"x" * 10,
        b"x" * 10,
        b"y" * 10,
    ]
    assert near.get("big", 7) is None
    assert near.get("key4", 8) is None  # another generation
    assert near.used == 30
