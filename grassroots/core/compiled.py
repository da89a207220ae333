"""Small queries asked on every signed-in request, compiled to SQL once.

For a one-row query such as a person's roles or their unread count, Django spends more time
building and compiling the query (2-3 ms of Python for a handful of `EXISTS` conditions) than
the database spends answering it (well under 1 ms). `fetch()` keeps the SQL that Django
compiled for a query built around a stand-in value (an id no row has), and runs it again with
the real value in the stand-in's place: the query is still written once, with the ORM, by the
code that owns its rule; only its compilation is remembered.

What a kept query may depend on besides the stand-in goes into its `shape` (today's date for a
rule about current posts, for example), so a new shape compiles anew. Only queries whose
parameters are fixed by their shape belong here: no IN list that grows with the data."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

# An id no row has: PostgreSQL's integer ids start at 1, and so do SQLite's.
STAND_IN = -2_000_000_001

# Shapes kept per process; one a day for most queries, so a handful are ever in use.
MAX_KEPT = 64

_kept: OrderedDict[Hashable, tuple[str, tuple[Any, ...], tuple[int, ...]]] = OrderedDict()
_lock = threading.Lock()


def _compile(
    key: Hashable, queryset: QuerySet[Any], alias: str
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    sql, params = queryset.query.get_compiler(using=alias).as_sql()
    at = tuple(n for n, value in enumerate(params) if value == STAND_IN)
    if not at:
        raise ValueError(f"{key!r}: the query does not use the stand-in value")
    compiled = (sql, tuple(params), at)
    with _lock:
        _kept[key] = compiled
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return compiled


def fetch(
    name: str,
    shape: Hashable,
    model: type[Model],
    build: Callable[[int], QuerySet[Any]],
    value: int,
) -> list[dict[str, Any]]:
    """The rows of `build(value)`, a query of `model`, as dictionaries of column name to value,
    compiled once per `name`, `shape` and database: `build(STAND_IN)` must give the same query
    as `build(value)` with `value` in the stand-in's place, and no other parameter may depend on
    `value`.

    Values come back as the database gives them (SQLite answers a boolean with 0 or 1)."""
    alias = router.db_for_read(model)
    key = (name, shape, alias, connections[alias].vendor)
    with _lock:
        compiled = _kept.get(key)
        if compiled is not None:
            _kept.move_to_end(key)
    if compiled is None:
        compiled = _compile(key, build(STAND_IN), alias)
    sql, params, at = compiled
    values = list(params)
    for n in at:
        values[n] = value
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, values)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
