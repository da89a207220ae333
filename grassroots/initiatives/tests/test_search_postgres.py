"""The PostgreSQL search uses its GIN index (the query's expression matches the index's)."""

from __future__ import annotations

import pytest
from django.db import connection

from grassroots.initiatives.models import Initiative
from grassroots.initiatives.search import INDEX_NAME, search_initiatives
from grassroots.initiatives.tests.factories import InitiativeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the full-text index exists on PostgreSQL only")


def test_the_migration_created_the_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX_NAME])
        (definition,) = cursor.fetchone()
    assert "USING gin" in definition
    assert "to_tsvector" in definition


def test_the_planner_uses_the_index_for_a_search() -> None:
    InitiativeFactory.create_batch(5)
    queryset = search_initiatives(Initiative.objects.all(), "garden rubbish")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert INDEX_NAME in plan, plan
