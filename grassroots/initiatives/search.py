"""Text search over initiatives.

PostgreSQL: full-text search (English stemming), served by the GIN expression index
`initiative_search_idx` (migration 0002_initiative_add_search_index). The vector below must stay
byte-for-byte the expression that index was built on, or the planner falls back to a sequential
scan; test_search_postgres checks this with EXPLAIN.

Ranking (`SearchRank`, the title weighted above the rest) has to rebuild each match's vector
from its text, so it is only done while the matches are few: at most RANK_LIMIT. A search for
common words can match a third of the country's initiatives, and ranking them all took seconds;
above the limit the matches are listed newest first, which the index can serve a page at a time.
Either way the order ends with the creation time and the id, so paging is deterministic.

SQLite (the embedded default): every word must appear, case-insensitively, in the title, the
problem, the change wanted or who it is for. Same meaning, without stemming; newest first.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression

from grassroots.initiatives.models import Initiative

SEARCH_CONFIG = "english"
INDEX_NAME = "initiative_search_idx"
MAX_WORDS = 12
# Rank the matches only while there are at most this many (ranking a thousand takes ~30 ms).
RANK_LIMIT = 1_000
NEWEST_FIRST = ("-created_at", "-pk")
# From this many matches into an unranked search, fetch every match through the index and sort
# them rather than walk initiatives newest first testing each (which rebuilds each one's vector).
DEEP_OFFSET = 100


def search_vector() -> CombinedExpression:
    """The weighted document: title (A), then the problem, change wanted and who it is for (B)."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "problem", "change_wanted", "who_for", weight="B", config=SEARCH_CONFIG
    )


def words(text: str) -> list[str]:
    """The words of a query: letters and digits only, at most MAX_WORDS of them."""
    return re.findall(r"\w+", text.lower())[:MAX_WORDS]


def _uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def _query(terms: list[str]) -> SearchQuery:
    # plainto_tsquery ANDs the words; punctuation was already stripped by words().
    return SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="plain")


def matching(queryset: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Initiatives in `queryset` matching every word of `text`, in no particular order.

    An empty query (or one with no words) leaves the queryset as it was.
    """
    terms = words(text)
    if not terms:
        return queryset
    if _uses_full_text():
        # alias(), not annotate(): the vector is for the WHERE clause (and its index) only, so
        # it is never computed for the SELECT list, nor by a COUNT over this queryset.
        return queryset.alias(search=search_vector()).filter(search=_query(terms))
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term)
            | Q(problem__icontains=term)
            | Q(change_wanted__icontains=term)
            | Q(who_for__icontains=term)
        )
    return queryset.filter(condition)


def can_rank(text: str, matches: int) -> bool:
    """Whether `matches` initiatives found by `text` are put in order of relevance."""
    return bool(words(text)) and _uses_full_text() and matches <= RANK_LIMIT


def in_order(
    queryset: QuerySet[Initiative], text: str, *, ranked: bool, offset: int = 0
) -> QuerySet[Initiative]:
    """`matching()` initiatives best first (`ranked`, PostgreSQL only), otherwise newest first.

    `offset` is where the page starts: for a deep page of a search too big to rank the order is
    the same, written so that the planner cannot serve it by walking the created_at index.
    """
    terms = words(text)
    if not terms or not _uses_full_text():
        return queryset.order_by(*NEWEST_FIRST)
    if ranked:
        rank = SearchRank(search_vector(), _query(terms))
        return queryset.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)
    if offset >= DEEP_OFFSET:
        # Walking the index newest first tests ~3 initiatives a match, each test ~0.3 ms: fine
        # for the first pages, 4 s at page 200. created_at + 0 sorts the same, but no index
        # has it, so the matches come from the GIN index (~0.2 s for 45,000) and are sorted.
        same_time = ExpressionWrapper(
            F("created_at") + Value(timedelta(0)), output_field=DateTimeField()
        )
        return queryset.order_by(same_time.desc(), "-pk")
    return queryset.order_by(*NEWEST_FIRST)


def search_initiatives(queryset: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Initiatives in `queryset` matching every word of `text`, best matches first on PostgreSQL
    while there are at most RANK_LIMIT of them (one bounded COUNT to find out), else newest first.

    An empty query (or one with no words) leaves the queryset as it was.
    """
    if not words(text):
        return queryset
    matches = matching(queryset, text)
    ranked = _uses_full_text() and can_rank(text, count_up_to(matches, RANK_LIMIT))
    return in_order(matches, text, ranked=ranked)


def count_up_to(queryset: QuerySet[Initiative], limit: int) -> int:
    """How many rows `queryset` has, counting no further than limit + 1 ("more than limit")."""
    return queryset.order_by().values("pk")[: limit + 1].count()
