"""Reading opinion maps: lists with counts and the voting page, each in a fixed number of
queries whatever the numbers of votes, statements and participants."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.groups.models import Group
from grassroots.opinions.computing import next_statement_id
from grassroots.opinions.models import (
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from grassroots.opinions.visibility import visible_maps
from grassroots.places.models import Ward


def _count(queryset: QuerySet[Statement] | QuerySet[Participant]) -> Coalesce:
    counted = queryset.order_by().values("map").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(queryset: QuerySet[OpinionMap]) -> QuerySet[OpinionMap]:
    """Maps with `n_statements` (published) and `n_participants`, open ones first."""
    published = Statement.objects.filter(map=OuterRef("pk"), status=StatementStatus.PUBLISHED)
    people = Participant.objects.filter(map=OuterRef("pk"))
    return (
        queryset.select_related("ward", "group")
        .annotate(n_statements=_count(published), n_participants=_count(people))
        .order_by(F("closed_at").desc(nulls_first=True), "-created_at", "-id")
    )


def map_list(viewer: Viewer) -> QuerySet[OpinionMap]:
    return with_counts(visible_maps(viewer).filter(hidden_at__isnull=True))


def maps_of(viewer: Viewer, host: Ward | Group) -> list[OpinionMap]:
    qs = visible_maps(viewer).filter(hidden_at__isnull=True)
    qs = qs.filter(ward=host) if isinstance(host, Ward) else qs.filter(group=host)
    return list(with_counts(qs)[:20])


def map_detail(viewer: Viewer, pk: int) -> OpinionMap | None:
    return visible_maps(viewer).select_related("ward__council", "group").filter(pk=pk).first()


@dataclass(frozen=True)
class Ballot:
    """What the voting page shows one person."""

    statement: Statement | None
    answered: int
    total: int
    pending_mine: int


def ballot(opinion_map: OpinionMap, viewer: Viewer) -> Ballot:
    """The next statement for `viewer` (the same one on a reload: the draw is seeded by who
    they are and how many they have answered) and their progress."""
    published = list(
        Statement.objects.filter(map=opinion_map, status=StatementStatus.PUBLISHED).values_list(
            "id", "text"
        )
    )
    texts = dict(published)
    published_ids = [sid for sid, _text in published]
    voted: set[int] = set()
    pending = 0
    user_pk = 0
    if isinstance(viewer, User) and viewer.is_active:
        user_pk = viewer.pk
        voted = set(
            Vote.objects.filter(map=opinion_map, participant__user=viewer).values_list(
                "statement_id", flat=True
            )
        )
        pending = Statement.objects.filter(
            map=opinion_map, author__user=viewer, status=StatementStatus.PENDING
        ).count()
    voted &= set(texts)
    chosen = next_statement_id(
        opinion_map, published_ids, voted, seed=user_pk * 100_003 + len(voted)
    )
    statement = None
    if chosen is not None:
        statement = Statement(pk=chosen, map=opinion_map, text=texts[chosen])
    return Ballot(
        statement=statement, answered=len(voted), total=len(published_ids), pending_mine=pending
    )


def pending_statements(opinion_map: OpinionMap) -> list[Statement]:
    return list(
        Statement.objects.filter(map=opinion_map, status=StatementStatus.PENDING)
        .select_related("author__user")
        .order_by("created_at", "id")[:200]
    )
