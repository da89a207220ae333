"""Helpers for tests of data migrations: move the test database to a migration state and back.

A test that migrates backwards must end with `migrate_to_latest()`: going back also unapplies
every later migration that depends on the target (in any app), and the tests that run after it
on the same database need the whole schema.

Mark a module of such tests `pytestmark = pytest.mark.data_migration`: migrating takes tens of
seconds, and `make test` runs them once, on PostgreSQL (docs/decisions/0019-slow-tests-once.md)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to `targets`; return the historical apps of that state (for `get_model`)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Apply every migration of every app again (the graph's leaf nodes)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
