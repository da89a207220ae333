"""Reading opinion maps: lists with counts and the voting page, each in a fixed number of
queries whatever the numbers of votes, statements and participants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.core import pagecache
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
    """The maps a ward's or a group's page lists: those not hidden, the same for everyone.

    `visible_maps()` only ever restricts hidden maps (everybody sees every map that is not
    hidden), so once hidden ones are left out the list depends on the host alone, and is
    shared (`pagecache.shared`) by every viewer. `viewer` stays for the rule's sake: the list
    is what `visible_maps(viewer)` gives for it, whoever it is."""
    kind = "ward" if isinstance(host, Ward) else "group"

    def draw() -> list[OpinionMap]:
        qs = visible_maps(None).filter(hidden_at__isnull=True)
        qs = qs.filter(ward=host) if isinstance(host, Ward) else qs.filter(group=host)
        return list(with_counts(qs)[:20])

    return pagecache.shared("opinions.maps_of", (kind, host.pk), draw)


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


# --- The report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupShare:
    label: str
    percent: int  # who voted the statement's way, of those in the group who answered it
    answered: int


@dataclass(frozen=True)
class StatementLine:
    text: str
    direction: str  # "agree" or "disagree"
    percent: int  # of the group (representative) or of everyone (consensus)
    others: int  # of everyone else (representative statements)
    groups: list[GroupShare]


@dataclass(frozen=True)
class GroupReport:
    id: int
    position: int
    label: str
    size: int
    x: float
    y: float
    share: int  # percentage of the participants placed on the map
    representative: list[StatementLine]


@dataclass(frozen=True)
class Report:
    computed: bool
    groups: list[GroupReport]
    consensus: list[StatementLine]
    points: list[tuple[int, float, float, int]]  # participant, x, y, group position or -1
    participants: int
    in_map: int
    votes: int
    computed_votes: int
    computed_participants: int
    statements: int
    pending: int


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def report(opinion_map: OpinionMap) -> Report:
    """What the report page shows, in five queries whatever the size of the map."""
    result = opinion_map.result or {}
    raw_groups = list(result.get("groups", []))
    position_of = {int(g["id"]): position for position, g in enumerate(raw_groups)}
    points = [
        (int(p[0]), float(p[1]), float(p[2]), position_of.get(int(p[3]), -1))
        for p in result.get("points", [])
    ]
    group_of = {pid: position for pid, _x, _y, position in points}
    wanted = {int(s["statement"]) for s in result.get("consensus", [])}
    for group in raw_groups:
        wanted |= {int(s["statement"]) for s in group.get("representative", [])}
    texts = dict(Statement.objects.filter(map=opinion_map, pk__in=wanted).values_list("id", "text"))
    # Per statement and group position: [agree, disagree, answered].
    tally: dict[int, dict[int, list[int]]] = {sid: {} for sid in wanted}
    for pid, sid, choice in Vote.objects.filter(
        map=opinion_map, statement_id__in=wanted
    ).values_list("participant_id", "statement_id", "choice"):
        cell = tally[sid].setdefault(group_of.get(pid, -1), [0, 0, 0])
        cell[2] += 1
        if choice == 1:
            cell[0] += 1
        elif choice == -1:
            cell[1] += 1

    def way(cell: list[int], direction: str) -> int:
        return cell[0] if direction == "agree" else cell[1]

    def line(stat: dict[str, Any], own: int | None) -> StatementLine | None:
        sid = int(stat["statement"])
        if sid not in texts:
            return None
        direction = str(stat["direction"])
        cells = tally.get(sid, {})
        shares = []
        for position, group in enumerate(raw_groups):
            cell = cells.get(position, [0, 0, 0])
            shares.append(
                GroupShare(str(group["label"]), _percent(way(cell, direction), cell[2]), cell[2])
            )
        everyone = [sum(c[i] for c in cells.values()) for i in range(3)]
        if own is None:
            percent = _percent(way(everyone, direction), everyone[2])
            others = percent
        else:
            mine = cells.get(own, [0, 0, 0])
            rest = [everyone[i] - mine[i] for i in range(3)]
            percent = _percent(way(mine, direction), mine[2])
            others = _percent(way(rest, direction), rest[2])
        return StatementLine(texts[sid], direction, percent, others, shares)

    placed = sum(int(g["size"]) for g in raw_groups)
    groups = [
        GroupReport(
            id=int(g["id"]),
            position=position,
            label=str(g["label"]),
            size=int(g["size"]),
            x=float(g["x"]),
            y=float(g["y"]),
            share=_percent(int(g["size"]), placed),
            representative=[
                made for s in g.get("representative", []) if (made := line(s, position)) is not None
            ],
        )
        for position, g in enumerate(raw_groups)
    ]
    consensus = [made for s in result.get("consensus", []) if (made := line(s, None)) is not None]
    counts = Statement.objects.filter(map=opinion_map).aggregate(
        published=Count("pk", filter=Q(status=StatementStatus.PUBLISHED)),
        pending=Count("pk", filter=Q(status=StatementStatus.PENDING)),
    )
    return Report(
        computed=bool(result),
        groups=groups,
        consensus=consensus,
        points=points,
        participants=Participant.objects.filter(map=opinion_map).count(),
        in_map=int(result.get("participants", {}).get("in", 0)),
        votes=Vote.objects.filter(map=opinion_map).count(),
        computed_votes=int(result.get("votes", 0)),
        computed_participants=int(result.get("participants", {}).get("voted", 0)),
        statements=counts["published"],
        pending=counts["pending"],
    )
