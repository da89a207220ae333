"""The test database each worker starts from records every migration on disk, and a template
that records anything else is not copied (grassroots/testing/template_db.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from grassroots.testing import template_db


@pytest.mark.django_db
def test_the_test_database_records_every_migration_on_disk() -> None:
    # Whether this worker migrated its database or copied the run's template.
    on_disk = template_db.migrations_on_disk()
    assert ("places", "0001_initial") in on_disk
    with connection.cursor() as cursor:
        assert template_db.recorded_migrations(cursor) == on_disk


def _sqlite_file(path: Path, migrations: set[tuple[str, str]]) -> Path:
    database = sqlite3.connect(path)
    database.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
    database.executemany("INSERT INTO django_migrations VALUES (?, ?)", sorted(migrations))
    database.commit()
    database.close()
    return path


def test_a_template_is_copied_only_when_it_records_exactly_the_migrations_on_disk(
    tmp_path: Path,
) -> None:
    on_disk = template_db.migrations_on_disk()
    assert not template_db.sqlite_file_records(tmp_path / "missing.sqlite3", on_disk)
    assert template_db.sqlite_file_records(
        _sqlite_file(tmp_path / "same.sqlite3", on_disk), on_disk
    )
    older = on_disk - {max(on_disk)}
    assert not template_db.sqlite_file_records(
        _sqlite_file(tmp_path / "old.sqlite3", older), on_disk
    )
    newer = on_disk | {("places", "9999_not_yet")}
    assert not template_db.sqlite_file_records(
        _sqlite_file(tmp_path / "new.sqlite3", newer), on_disk
    )
    (tmp_path / "broken.sqlite3").write_text("not a database")
    assert not template_db.sqlite_file_records(tmp_path / "broken.sqlite3", on_disk)
