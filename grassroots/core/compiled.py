"""Small queries asked on every signed-in request, compiled to SQL once, and prepared.

For a one-row query such as a person's roles, their unread count or a case with what its page
shows, Django spends more time building and compiling the query (1-3 ms of Python for a few
joins and `EXISTS` conditions) than the database spends answering it (well under 1 ms). The
functions here keep the SQL that Django compiled for a query built around stand-in values (ids
no row has), and run it again with the real values in the stand-ins' places: the query is
still written once, with the ORM, by the code that owns its rule; only its compilation is
remembered. `fetch()` gives rows as dictionaries, `objects()` model instances (with what
`select_related` and `annotate` add), made the way Django's own iterator makes them.

What a kept query may depend on besides the stand-ins goes into its `shape` (today's date for a
rule about current posts, for example), so a new shape compiles anew. Only queries whose
parameters are fixed by their shape belong here: no IN list that grows with the data.

On PostgreSQL a kept query also runs as a prepared statement of the connection, so after a few
runs the database stops planning it again (planning the case page's query cost it 0.75 ms, more
than running it). Every other query still binds its values on the client (Django's default).
`DATABASE_PREPARED_STATEMENTS=false` turns this off, for a pooler that shares server sessions
between clients (PgBouncer in transaction mode); see docs/decisions/0023-prepared-kept-queries.md.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self, TypeVar

import psycopg
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Ids no row has: PostgreSQL's integer ids start at 1, and so do SQLite's. A query takes the
# first of them for its first value, the second for its second, and so on.
STAND_INS = (-2_000_000_001, -2_000_000_002, -2_000_000_003, -2_000_000_004)
STAND_IN = STAND_INS[0]

# Shapes kept per process; one a day for most queries, so a handful are ever in use.
MAX_KEPT = 64


@dataclass(frozen=True)
class _Kept:
    sql: str
    params: tuple[Any, ...]
    # For each parameter that is a stand-in: its position, and which value goes there.
    at: tuple[tuple[int, int], ...]
    # The compiler, which knows the columns: objects() makes model instances with it.
    compiler: SQLCompiler | None

    def bind(self, values: Sequence[int]) -> list[Any]:
        bound = list(self.params)
        for position, which in self.at:
            bound[position] = values[which]
        return bound


_kept: OrderedDict[Hashable, _Kept] = OrderedDict()
_lock = threading.Lock()


def _compile(key: Hashable, queryset: QuerySet[Any], alias: str, count: int) -> _Kept:
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    stand_ins = STAND_INS[:count]
    at = tuple((n, stand_ins.index(v)) for n, v in enumerate(params) if v in stand_ins)
    missing = set(range(count)) - {which for _, which in at}
    if missing:
        raise ValueError(f"{key!r}: the query does not use stand-in {min(missing) + 1}")
    kept = _Kept(sql, tuple(params), at, compiler)
    with _lock:
        _kept[key] = kept
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return kept


def _kept_for(key: Hashable, build: Callable[..., QuerySet[Any]], alias: str, count: int) -> _Kept:
    if not 1 <= count <= len(STAND_INS):
        raise ValueError(f"{key!r}: from 1 to {len(STAND_INS)} values, not {count}")
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept
    return _compile(key, build(*STAND_INS[:count]), alias, count)


class _PreparedCursor(psycopg.Cursor[Any]):
    """Binds values on the server and runs each query as a prepared statement of the
    connection: psycopg names it on the first run and reuses it while the connection lasts
    (or until a rollback, after which it prepares it again)."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Self:
        options.setdefault("prepare", True)
        super().execute(query, params, **options)
        return self


@dataclass(frozen=True)
class _Shown:
    query: bytes


class _LoggedPreparedCursor(_PreparedCursor):
    """For Django's query log (DEBUG, and tests that count or read queries): psycopg keeps no
    text of a prepared run, which Django's log reads, so the log gets the query with its
    values, as it shows every other query."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Self:
        super().execute(query, params, **options)
        shown = psycopg.ClientCursor(self.connection).mogrify(query, params)
        self._query = _Shown(shown.encode())  # type: ignore[assignment]
        return self


def _cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor of `connection` through Django's wrappers (query log, execute wrappers,
    database errors), prepared on PostgreSQL unless prepared statements are turned off."""
    options = connection.settings_dict.get("OPTIONS", {})
    if connection.vendor != "postgresql" or options.get("prepare_threshold") is None:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # django-stubs type the argument as Django's wrapper; it is the driver's cursor.
    if connection.queries_logged:
        logged = _LoggedPreparedCursor(connection.connection)
        return connection.make_debug_cursor(logged)  # type: ignore[arg-type]
    return connection.make_cursor(_PreparedCursor(connection.connection))  # type: ignore[arg-type]


def _run(alias: str, kept: _Kept, values: Sequence[int]) -> tuple[list[str], list[Sequence[Any]]]:
    with _cursor(connections[alias]) as cursor:
        cursor.execute(kept.sql, kept.bind(values))
        columns = [column[0] for column in cursor.description]
        return columns, list(cursor.fetchall())


def fetch(
    name: str,
    shape: Hashable,
    model: type[Model],
    build: Callable[..., QuerySet[Any]],
    *values: int,
) -> list[dict[str, Any]]:
    """The rows of `build(*values)`, a query of `model`, as dictionaries of column name to
    value, compiled once per `name`, `shape` and database: `build(*STAND_INS[:len(values)])`
    must give the same query as `build(*values)` with each value in its stand-in's place, and
    no other parameter may depend on the values.

    Values come back as the database gives them (SQLite answers a boolean with 0 or 1)."""
    alias = router.db_for_read(model)
    key = ("rows", name, shape, alias, connections[alias].vendor)
    columns, rows = _run(alias, _kept_for(key, build, alias, len(values)), values)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def exists(
    name: str,
    shape: Hashable,
    model: type[Model],
    build: Callable[..., QuerySet[Any]],
    *values: int,
) -> bool:
    """Whether `build(*values)` finds any row, compiled once as `fetch()` is (a lookup of one
    row, such as "does this person follow this ward", asked on every visit to a page)."""

    def first(*stand_ins: int) -> QuerySet[Any]:
        return build(*stand_ins).order_by().values("pk")[:1]

    return bool(fetch(name, shape, model, first, *values))


def objects(
    name: str,
    shape: Hashable,
    model: type[M],
    build: Callable[..., QuerySet[M]],
    *values: int,
) -> list[M]:
    """The model instances of `build(*values)`, as iterating the query set would give them
    (with its `select_related` objects and annotations), compiled once as `fetch()` is.

    The query must give instances of `model` itself (not `values()`; `only()` and `defer()`
    are fine) and must not prefetch (`prefetch_related()` needs queries of its own)."""
    alias = router.db_for_read(model)
    key = ("objects", name, shape, alias, connections[alias].vendor)

    def checked(*stand_ins: int) -> QuerySet[M]:
        queryset = build(*stand_ins)
        if queryset._iterable_class is not ModelIterable or queryset.model is not model:
            raise ValueError(f"{name!r}: objects() takes a query of {model.__name__} instances")
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError(f"{name!r}: objects() cannot prefetch")
        return queryset

    kept = _kept_for(key, checked, alias, len(values))
    _, rows = _run(alias, kept, values)
    assert kept.compiler is not None
    # The kept compiler knows the columns; its converters take this thread's connection.
    compiler = copy.copy(kept.compiler)
    compiler.connection = connections[alias]
    return list(_instances(compiler, alias, rows))


def _instances(compiler: SQLCompiler, alias: str, rows: list[Sequence[Any]]) -> Iterable[Any]:
    # As django.db.models.query.ModelIterable makes them, from rows already fetched.
    select, klass_info = compiler.select, compiler.klass_info
    assert klass_info is not None
    annotations = compiler.annotation_col_map or {}
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    # django-stubs describe a later Django's signature (with a fetch mode).
    populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    for row in compiler.results_iter([rows]):
        instance = klass_info["model"].from_db(alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for attribute, position in annotations.items():
            setattr(instance, attribute, row[position])
        yield instance
