"""Migrate the test database once per run, and give each pytest-xdist worker a copy of it.

Without this, every worker of a run builds its own test database by applying every migration:
about 40 s each on this project, at the start of both the SQLite and the PostgreSQL run of
`make test`, with both cores busy doing it. `make test` instead builds one migrated database
per engine (the "template") while the linters and type checks run on one core and the other
would be idle, then each worker starts from a copy (docs/decisions/0022-migrate-once-per-run.md):

- PostgreSQL: `CREATE DATABASE test_<name>_gwN TEMPLATE test_<name>_template`;
- SQLite: the template is a file, copied into each worker's in-memory test database with
  SQLite's backup API.

The template is built by Django's own `create_test_db` (every migration, data migrations
included, then `createcachetable`), exactly as each worker would have built its database.
A worker uses it only when `TEST_DB_TEMPLATE=1` is set (the Makefile sets it), the template
exists and it records exactly the migrations on disk; otherwise it migrates its own database,
as before. `python -m grassroots.testing.template_db build|drop` builds or drops it for the
engine of `DATABASE_URL`.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

ENV = "TEST_DB_TEMPLATE"
SUFFIX = "_template"


def _creation(connection: BaseDatabaseWrapper) -> Any:
    """The connection's DatabaseCreation, with the private helpers Django's own test runner
    uses (`_get_test_db_name`, `_nodb_cursor`), which django-stubs does not declare."""
    return connection.creation


def _is_sqlite(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "sqlite"


def template_name(connection: BaseDatabaseWrapper) -> str:
    """The template's database name (PostgreSQL) or file path (SQLite), from the settings."""
    database = connection.settings_dict
    if _is_sqlite(connection):
        # Beside the database file of DATABASE_URL (var/test.sqlite3 in the Makefile).
        path = Path(str(database["NAME"]))
        return str(path.with_name(f"{path.stem}{SUFFIX}.sqlite3"))
    return f"test_{database['NAME']}{SUFFIX}"


def migrations_on_disk() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader  # noqa: PLC0415

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.graph.nodes)


def recorded_migrations(cursor: Any) -> set[tuple[str, str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return {(str(app), str(name)) for app, name in cursor.fetchall()}


def build() -> str:
    """Build the template for the engine of the settings (replacing an old one)."""
    connection = connections[DEFAULT_DB_ALIAS]
    name = template_name(connection)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    drop()  # an old template, so that Django need not fail to create it first
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.close()
    return name


def drop() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    name = template_name(connection)
    if _is_sqlite(connection):
        Path(name).unlink(missing_ok=True)
        return
    quote = connection.ops.quote_name
    with _creation(connection)._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")


def sqlite_file_records(path: Path, wanted: set[tuple[str, str]]) -> bool:
    """Whether the SQLite file at `path` exists and records exactly the migrations `wanted`."""
    if not path.is_file():
        return False
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return recorded_migrations(source.cursor()) == wanted
    except sqlite3.Error:
        return False
    finally:
        source.close()


def usable(connection: BaseDatabaseWrapper, name: str) -> bool:
    """Whether the template exists and records every migration on disk, and only those."""
    wanted = migrations_on_disk()
    if _is_sqlite(connection):
        return sqlite_file_records(Path(name), wanted)
    with _creation(connection)._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            return False
    # A connection of its own to the template, closed at once (a template must have none
    # open when it is copied).
    other = connection.copy()
    other.settings_dict["NAME"] = name
    try:
        with other.cursor() as cursor:
            return recorded_migrations(cursor) == wanted
    finally:
        other.close()


def install() -> None:
    """Make the default database's test database a copy of the template, when there is a
    usable one and `TEST_DB_TEMPLATE=1`; call before pytest-django sets up the databases."""
    if os.environ.get(ENV) != "1":
        return
    connection = connections[DEFAULT_DB_ALIAS]
    creation = _creation(connection)
    migrate_and_create = creation.create_test_db
    name = template_name(connection)

    def create_test_db(
        verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> str:
        if serialize or keepdb or not usable(connection, name):
            # Past pytest's capture: say why this worker takes its ~40 s to migrate.
            print(f"{ENV}: no usable template {name}; migrating instead", file=sys.__stderr__)
            return str(migrate_and_create(verbosity, autoclobber, serialize, keepdb))
        return _copy(connection, name)

    creation.create_test_db = create_test_db


def _copy(connection: BaseDatabaseWrapper, template: str) -> str:
    """Create this worker's test database from the template; set the settings as
    `create_test_db` does."""
    creation = _creation(connection)
    test_name: str = creation._get_test_db_name()
    if not _is_sqlite(connection):
        quote = connection.ops.quote_name
        connection.close()
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    if _is_sqlite(connection):
        # The worker's database lives in memory (shared cache, open while this connection
        # is): fill it from the template file.
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    return test_name


def main(argv: list[str]) -> int:
    import django  # noqa: PLC0415

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    # The settings of the tests (pytest is not imported here).
    os.environ.setdefault("GRASSROOTS_TESTING", "true")
    django.setup()
    if argv[1:] == ["build"]:
        print(f"Test database template built: {build()}")
    elif argv[1:] == ["drop"]:
        drop()
    else:
        print("usage: python -m grassroots.testing.template_db build|drop", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
