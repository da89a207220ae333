"""Answers remembered for the rest of one request, with one way to forget them.

Rules and visibility ask the same questions many times while one page is drawn (may this
person see this initiative? which memberships do they hold?). Instead of stamping answers on
model instances, they keep them here: a dictionary that `RequestCacheMiddleware` opens at the
start of a request and drops at its end. Any write through the ORM (a save, a delete, a change
to a many-to-many relation) clears it, so an answer can never outlive the data it came from.

Outside a request (management commands, tasks, tests calling a function directly) nothing is
remembered between calls: `cached()` computes every time, which is always right, only slower.
A function marked `@scoped` (the visibility rules are) remembers for the length of its own call
when no request is open, so one question asked outside a request costs what it costs inside.

Keys are tuples that begin with a name owned by the caller, e.g.
`("initiatives.can_view", viewer_pk, initiative_pk)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_store: ContextVar[dict[Hashable, Any] | None] = ContextVar(
    "grassroots_request_cache", default=None
)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """The answer remembered under `key` in this request, computing (and keeping) it if new."""
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


def remember(key: Hashable, value: object) -> None:
    """Keep an answer already known (for example from a query that settled it in bulk)."""
    store = _store.get()
    if store is not None:
        store[key] = value


def clear(*args: object, **kwargs: object) -> None:
    """Forget everything remembered in this request (connected to every ORM write)."""
    store = _store.get()
    if store is not None:
        store.clear()


@contextmanager
def scope() -> Iterator[None]:
    """Remember answers inside the block (a request, or a task that wants the same)."""
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


P = ParamSpec("P")


def scoped(function: Callable[P, T]) -> Callable[P, T]:
    """Run `function` inside the request's cache, or, outside a request, inside one of its own
    that ends when it returns."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if _store.get() is not None:
            return function(*args, **kwargs)
        with scope():
            return function(*args, **kwargs)

    return wrapper


class RequestCacheMiddleware:
    """Opens the request's cache before the view runs and drops it afterwards."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with scope():
            return self.get_response(request)
