"""Text search over initiatives.

PostgreSQL: full-text search (English stemming), served by the GIN expression index
`initiative_search_idx` (migration 0002_initiative_add_search_index). The vector below must stay
byte-for-byte the expression that index was built on, or the planner falls back to a sequential
scan; test_search_postgres checks this with EXPLAIN.

Ranking (`SearchRank`) has to rebuild each match's vector from its text, so it is only done
while the matches are few (at most RANK_LIMIT), and on the title alone (see in_order). A search
for common words can match a third of the country's initiatives, and ranking them all took
seconds; above the limit the matches are listed newest first. Either way the order ends with the
creation time and the id, so paging is deterministic and every match is on some page.

SQLite (the embedded default): every word must appear, case-insensitively, in the title, the
problem, the change wanted or who it is for. Same meaning, without stemming; newest first.
"""

from __future__ import annotations

import json
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
# Rank the matches only while there are at most this many (~50 ms for a thousand).
RANK_LIMIT = 1_000
NEWEST_FIRST = ("-created_at", "-pk")
# An unranked search walks the initiatives newest first only for its first pages (offset below
# WALK_OFFSET) and when about WALK_MATCHES or more match (a tenth of the national data set: page 1
# then tests ~200 initiatives at most); otherwise every match is fetched from the index and sorted.
WALK_OFFSET = 40
WALK_MATCHES = 20_000


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


def estimated_matches(queryset: QuerySet[Initiative]) -> int:
    """The planner's estimate of the rows in `queryset` (PostgreSQL; one EXPLAIN, no scan).

    For common words its statistics of the index's lexemes make this close (44,937 estimated,
    44,789 found); for rare words it guesses high, which only ever chooses the safe plan.
    """
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def walks_newest_first(queryset: QuerySet[Initiative], offset: int) -> bool:
    """Whether a page of unranked matches starting at `offset` is best found by walking the
    initiatives newest first, testing each: only when matches are dense and the page near the
    start, as each test rebuilds the initiative's vector (~0.3 ms)."""
    return offset < WALK_OFFSET and estimated_matches(queryset) >= WALK_MATCHES


def in_order(
    queryset: QuerySet[Initiative], text: str, *, ranked: bool, walk: bool = False
) -> QuerySet[Initiative]:
    """`matching()` initiatives best first (`ranked`, PostgreSQL only), otherwise newest first.

    Ranked: title matches first, by how well the title matches (`SearchRank` of the title
    alone: the whole weighted document cost 0.5 ms a match to rebuild, the title a seventh of
    that), then the rest, newest first. Unranked, `walk` (see walks_newest_first) lets the
    planner walk the created_at index; otherwise the order is written as created_at + 0, which
    sorts the same but no index has, so the matches come from the GIN index and are sorted
    (~0.2 s for 45,000; walking to page 200 of those took 4 s, and for a word in 1,000
    initiatives page 1 alone could take a second).
    """
    terms = words(text)
    if not terms or not _uses_full_text():
        return queryset.order_by(*NEWEST_FIRST)
    if ranked:
        title = SearchVector("title", weight="A", config=SEARCH_CONFIG)
        rank = SearchRank(title, _query(terms))
        return queryset.annotate(rank=rank).order_by("-rank", *NEWEST_FIRST)
    if walk:
        return queryset.order_by(*NEWEST_FIRST)
    same_time = ExpressionWrapper(
        F("created_at") + Value(timedelta(0)), output_field=DateTimeField()
    )
    return queryset.order_by(same_time.desc(), "-pk")


def search_initiatives(queryset: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Initiatives in `queryset` matching every word of `text`, best matches first on PostgreSQL
    while there are at most RANK_LIMIT of them (one bounded COUNT to find out), else newest first.

    An empty query (or one with no words) leaves the queryset as it was.
    """
    if not words(text):
        return queryset
    matches = matching(queryset, text)
    if not _uses_full_text():
        return in_order(matches, text, ranked=False)
    ranked = can_rank(text, count_up_to(matches, RANK_LIMIT))
    walk = not ranked and walks_newest_first(matches, 0)
    return in_order(matches, text, ranked=ranked, walk=walk)


def count_up_to(queryset: QuerySet[Initiative], limit: int) -> int:
    """How many rows `queryset` has, counting no further than limit + 1 ("more than limit")."""
    return queryset.order_by().values("pk")[: limit + 1].count()
