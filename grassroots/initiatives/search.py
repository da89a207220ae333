"""Text search over initiatives.

PostgreSQL: full-text search (English stemming) ranked by `SearchRank`, the title weighted above
the rest, served by the GIN expression index `initiative_search_idx` (migration
0002_initiative_add_search_index). The vector below must stay byte-for-byte the expression that
index was built on, or the planner falls back to a sequential scan; test_search_postgres checks
this with EXPLAIN.

SQLite (the embedded default): every word must appear, case-insensitively, in the title, the
problem, the change wanted or who it is for. Same meaning, without stemming.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import CombinedExpression

from grassroots.initiatives.models import Initiative

SEARCH_CONFIG = "english"
INDEX_NAME = "initiative_search_idx"
MAX_WORDS = 12


def search_vector() -> CombinedExpression:
    """The weighted document: title (A), then the problem, change wanted and who it is for (B)."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "problem", "change_wanted", "who_for", weight="B", config=SEARCH_CONFIG
    )


def words(text: str) -> list[str]:
    """The words of a query: letters and digits only, at most MAX_WORDS of them."""
    return re.findall(r"\w+", text.lower())[:MAX_WORDS]


def search_initiatives(queryset: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Initiatives in `queryset` matching every word of `text`, best matches first on PostgreSQL.

    An empty query (or one with no words) leaves the queryset as it was.
    """
    terms = words(text)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        # plainto_tsquery ANDs the words; punctuation was already stripped by words().
        query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="plain")
        vector = search_vector()
        return (
            queryset.annotate(search=vector)
            .filter(search=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-created_at", "-pk")
        )
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term)
            | Q(problem__icontains=term)
            | Q(change_wanted__icontains=term)
            | Q(who_for__icontains=term)
        )
    return queryset.filter(condition)
