"""A GIN index on the weighted full-text search vector, on PostgreSQL only.

SQLite has no full-text index of this kind; search falls back to plain matching there (see
grassroots/initiatives/search.py). The expression must match search.search_vector() exactly so
the planner can use the index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "initiative_search_idx"


def _index() -> GinIndex:
    return GinIndex(
        SearchVector("title", weight="A", config="english")
        + SearchVector("problem", "change_wanted", "who_for", weight="B", config="english"),
        name=INDEX_NAME,
    )


def add_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("initiatives", "Initiative"), _index())


def remove_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("initiatives", "Initiative"), _index())


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(add_index, remove_index, elidable=False)]
