"""Build a test world once per module and give every test its own copy of it.

This is what Django's `TestCase.setUpTestData` does, for pytest. `shared_world(build)` makes two
fixtures from a builder such as `build_town`:

- a module-scoped one (or package-scoped, `scope="package"`) that opens a transaction, runs
  `build()` once and keeps the result (the "snapshot"); when the module's (package's) tests are
  done, the transaction is rolled back;
- a function-scoped one that hands each test `copy.deepcopy()` of the snapshot, so a test may
  change its instances, their cached relations and dictionaries (`town.users`...) freely.

Each test runs inside pytest-django's own atomic block, which is a savepoint inside the
snapshot's transaction, so whatever the test writes is rolled back after it and the next test
finds the database exactly as `build()` left it.

Building once must look, to a test, like building just before it, so the copy also:

- puts back into `mail.outbox` the messages sent while building (pytest-django empties the
  outbox before every test, and a town built per test would have sent them after that);
- forgets the answers of `grassroots.core.request_cache`.

On-commit callbacks registered while building are never run, as when building per test inside
the test's atomic block; `django_capture_on_commit_callbacks` sees only those of the test.
Rows are written a little earlier than with a build per test (when the module starts, not
when the test starts), and are in place before any clock a test freezes, as before.

Tests that need real commits (`transactional_db`, `live_server`, `django_db(transaction=True)`,
reset sequences or serialized rollback; the browser journeys) cannot use the snapshot: a live
server's thread could not see rows that were never committed. For them the function-scoped
fixture builds a fresh world, committed like any of their data, and the snapshot's transaction
is not open while they run. The same holds for a database test that does not ask for the world:
it does not see it. `before_test()` (called from `pytest_runtest_setup` in grassroots/conftest.py,
before any fixture of the test is set up) closes the snapshot for those tests and opens it again,
building anew, for the next test that wants it.

Only the "default" database exists in our settings; the snapshot's transaction is opened there.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from typing import Any, Generic, Literal, TypeVar

import pytest
from django.core import mail
from django.db import DEFAULT_DB_ALIAS, transaction
from pytest_django import DjangoDbBlocker

from grassroots.core import request_cache

T = TypeVar("T")

# Fixtures with which pytest-django runs a test in a TransactionTestCase (real commits).
TRANSACTIONAL_FIXTURES = frozenset(
    {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)
DATABASE_FIXTURES = TRANSACTIONAL_FIXTURES | {"db"}


def _django_db_signature(
    transaction: bool = False,
    reset_sequences: bool = False,
    databases: Any = None,
    serialized_rollback: bool = False,
    available_apps: Any = None,
) -> None:
    """The arguments of `pytest.mark.django_db`, to read a marker's arguments by name."""


def needs_commits(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` with real transactions (as a TransactionTestCase)."""
    if TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    arguments = inspect.signature(_django_db_signature).bind(*marker.args, **marker.kwargs)
    arguments.apply_defaults()
    options = arguments.arguments
    return bool(
        options["transaction"] or options["reset_sequences"] or options["serialized_rollback"]
    )


def uses_database(item: pytest.Item) -> bool:
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or (
        item.get_closest_marker("django_db") is not None
    )


class Snapshot(Generic[T]):
    """The result of one `build()`, kept inside a transaction that is rolled back in the end."""

    def __init__(self, name: str, build: Callable[[], T], blocker: DjangoDbBlocker) -> None:
        self.name = name  # of the function-scoped fixture that hands out copies
        self.build = build
        self.blocker = blocker
        self._atomic: transaction.Atomic | None = None
        self._value: T | None = None
        self._mails: list[Any] = []

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self) -> None:
        """Open the transaction and build inside it."""
        assert self._atomic is None, "the snapshot is already open"
        with self.blocker.unblock():
            atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            # As TestCase marks its own: durable blocks may still be opened inside it.
            atomic._from_testcase = True  # type: ignore[attr-defined]
            atomic.__enter__()
            self._atomic = atomic
            outbox: list[Any] = getattr(mail, "outbox", [])
            sent_before = len(outbox)
            try:
                self._value = self.build()
            except BaseException:
                self.close()
                raise
            self._mails = list(outbox[sent_before:])

    def close(self) -> None:
        """Roll back everything built; `open()` builds again."""
        if self._atomic is None:
            return
        atomic, self._atomic = self._atomic, None
        self._value = None
        self._mails = []
        with self.blocker.unblock():
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            atomic.__exit__(None, None, None)

    def copy(self) -> T:
        """A deep copy of what was built, for one test, as if built just before it."""
        assert self._atomic is not None, f"the snapshot behind {self.name!r} is not open"
        request_cache.clear()
        outbox: list[Any] | None = getattr(mail, "outbox", None)
        if outbox is not None:
            outbox.extend(copy.deepcopy(self._mails))
        return copy.deepcopy(self._value)  # type: ignore[return-value]


# The snapshots of the module being run, and the test being set up.
_snapshots: list[Snapshot[Any]] = []
_current: list[pytest.Item] = []


def before_test(item: pytest.Item) -> None:
    """Call before any fixture of `item` is set up: the snapshots' transactions are open only
    for tests that use them without real commits, and closed for other database tests."""
    _current[:] = [item]
    fixtures = set(getattr(item, "fixturenames", ()))
    for snapshot in _snapshots:
        wanted = snapshot.name in fixtures and not needs_commits(item)
        if wanted and not snapshot.is_open:
            snapshot.open()
        elif not wanted and snapshot.is_open and uses_database(item):
            snapshot.close()


def shared_world(
    build: Callable[[], T], *, name: str, scope: Literal["module", "package"] = "module"
) -> tuple[Any, Any]:
    """Two fixtures: `<name>_snapshot` (module scope: `build()` once) and `name` (a copy of it
    per test; a fresh `build()` for tests that need real commits). Assign both in a conftest:

        town_snapshot, town = shared_world(build_support_town, name="town")

    `scope="package"` keeps one snapshot for every module of the conftest's package, for a world
    that many modules read (the demo borough): it is still rolled back and built again whenever
    a database test that does not ask for it runs in between (`before_test`).
    """

    snapshot_name = f"{name}_snapshot"

    def snapshot_fixture(
        django_db_setup: None, django_db_blocker: DjangoDbBlocker
    ) -> Iterator[Snapshot[T]]:
        snapshot = Snapshot(name, build, django_db_blocker)
        if not (_current and needs_commits(_current[0])):
            snapshot.open()
        _snapshots.append(snapshot)
        yield snapshot
        _snapshots.remove(snapshot)
        snapshot.close()

    def world_fixture(request: pytest.FixtureRequest, db: None, **snapshot: Snapshot[T]) -> T:
        if needs_commits(request.node):
            return build()
        return snapshot[snapshot_name].copy()

    # pytest reads which fixtures a fixture asks for from its signature: the snapshot's name
    # depends on `name`, so it is written into the signature (set up before `db`, being wider).
    world_fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("db", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(snapshot_name, inspect.Parameter.KEYWORD_ONLY),
        ]
    )
    return (
        pytest.fixture(scope=scope, name=snapshot_name)(snapshot_fixture),
        pytest.fixture(name=name)(world_fixture),
    )
