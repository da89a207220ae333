"""Empty the test database after a test with real commits, touching only the tables it filled.

Django ends every test that commits for real (a `TransactionTestCase`; with pytest-django,
`transactional_db`, `live_server`, `django_db(transaction=True)`: the browser journeys among
them) with `manage.py flush`. The flush empties every table, then sends `post_migrate`, whose
receivers write every content type and permission again. On PostgreSQL it is one TRUNCATE of
all 120-odd tables, and a TRUNCATE gives each table and each of its indexes a new file; on the
shared 2-core machine one flush of an empty test database took 2 to 5 s (0.14 s on SQLite),
and the PostgreSQL run has about 160 such tests.

`install()` makes those tests end the same way for less:

1. One query finds the tables that hold any row; only those are emptied, by DELETE, in one
   transaction. Foreign keys are deferred to its commit (Django creates them DEFERRABLE
   INITIALLY DEFERRED), and on PostgreSQL the ledger's append-only triggers let the deletes
   through inside it, as for `ledger_guard.allow_wipe()`.
2. The content types and permissions are left in place when the test left them exactly as the
   last real flush wrote them (same rows, same ids); `post_migrate` would only have written the
   same rows again under new ids. When a test changed them, or before the first such test of a
   process (a migrated database can hold content types of models since deleted, which a flush
   drops), Django's own flush runs instead.

So the next test finds the database as Django's flush would have left it: every table empty
but the content types and permissions, which are what `post_migrate` writes. Tests that ask
for `serialized_rollback` or `available_apps` keep Django's flush unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import connections, transaction
from django.test import TransactionTestCase

from grassroots.funding.ledger_guard import WIPE_SETTING

# Written by `post_migrate` (contenttypes and auth) after a flush: kept when unchanged.
REWRITTEN_TABLES = ("django_content_type", "auth_permission")

# Per database alias: the content types and permissions as the last real flush left them.
_after_flush: dict[str, list[tuple[Any, ...]]] = {}


def _rewritten_rows(alias: str) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        rows = [("content type", *row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id, content_type_id, codename, name FROM auth_permission ORDER BY id"
        )
        rows += [("permission", *row) for row in cursor.fetchall()]
    return rows


def flush(alias: str) -> None:
    """Django's flush, as `TransactionTestCase` runs it, then remember what `post_migrate` wrote."""
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        database=alias,
        reset_sequences=False,
        allow_cascade=False,
        inhibit_post_migrate=False,
    )
    _after_flush[alias] = _rewritten_rows(alias)


def tables_with_rows(alias: str) -> list[str]:
    """The names of the tables of our models that hold at least one row (one query)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    # Table names come from our models, quoted; the names returned are passed as parameters.
    probes = [
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(probes), tables)
        return [row[0] for row in cursor.fetchall()]


def empty(alias: str) -> None:
    """Leave the database `alias` as Django's flush would, emptying only what holds rows."""
    if _after_flush.get(alias) != _rewritten_rows(alias):
        flush(alias)
        return
    connection = connections[alias]
    quote = connection.ops.quote_name
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [WIPE_SETTING])
        for table in tables_with_rows(alias):
            if table not in REWRITTEN_TABLES:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608


def install() -> None:
    """Make `TransactionTestCase` (and so pytest-django's tests with real commits) end with
    `empty()` instead of a flush of every table."""
    # Private in Django, so not in its type stubs.
    django_teardown = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def _fixture_teardown(self: TransactionTestCase) -> None:
        if self.available_apps is not None or self.serialized_rollback:
            django_teardown(self)
            return
        for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
            empty(alias)

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[attr-defined]
