"""On SQLite there is no full-text index: the migration must leave the schema alone."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_search_index_is_made_on_sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        names = [
            c["name"] if isinstance(c, dict) else c
            for c in connection.introspection.get_constraints(cursor, "initiatives_initiative")
        ]
    assert "initiative_search_idx" not in names
