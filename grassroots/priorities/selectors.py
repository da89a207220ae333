"""Reads for priority setting, each shaped once so a page costs a bounded number of queries
whatever the number of suggestions, ballots or voters.

Results are counted in the database (one grouped query per table) and put together here; the
breakdowns by ward and by age pass through `suppress()`, so no group of fewer than
`MIN_GROUP` voters is ever shown, nor can one be worked out by subtraction.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Viewer
from grassroots.core import pagecache
from grassroots.core.models import AuditEntry
from grassroots.groups.models import Group
from grassroots.places.models import Ward
from grassroots.priorities.models import (
    AgeBand,
    Ballot,
    BallotChoice,
    Exercise,
    Phase,
    Priority,
    Status,
    Support,
)
from grassroots.priorities.visibility import restricted_visible_ids, visible_exercises

MIN_GROUP = 10
PER_PAGE = 20


def _shaped(qs: QuerySet[Exercise]) -> QuerySet[Exercise]:
    return qs.select_related("council", "group", "organiser", "organiser_ward").prefetch_related(
        Prefetch("wards", queryset=Ward.objects.order_by("name"))
    )


def exercise_list(viewer: Viewer, *, phase: str = "") -> list[Exercise]:
    """The exercises `viewer` may see, newest first, filtered by phase (worked out from the
    dates in the query)."""
    qs = visible_exercises(viewer)
    now = timezone.now()
    if phase == Phase.DRAFT:
        qs = qs.filter(suggest_opens__gt=now)
    elif phase == Phase.SUGGEST:
        qs = qs.filter(suggest_opens__lte=now, suggest_closes__gt=now)
    elif phase == Phase.VOTE:
        qs = qs.filter(suggest_closes__lte=now, vote_closes__gt=now)
    elif phase == Phase.RESULTS:
        qs = qs.filter(vote_closes__lte=now)
    return list(_shaped(qs)[:100])


def exercise_for(viewer: Viewer, pk: int) -> Exercise | None:
    """One exercise `viewer` may see, with what its pages show, or None."""
    return _shaped(visible_exercises(viewer)).filter(pk=pk).first()


def exercises_of_group(viewer: Viewer, group: Group, *, limit: int = 5) -> list[Exercise]:
    qs = visible_exercises(viewer).filter(group=group)
    return list(qs.select_related("group", "organiser_ward")[:limit])


def exercises_of_ward(viewer: Viewer, ward: Ward, *, limit: int = 5) -> list[Exercise]:
    """The ward's latest exercises `viewer` may see: the published ones and the drafts of
    `restricted_visible_ids(viewer)`, shared (`pagecache.shared`) by everyone with the same
    drafts (nearly everyone has none).

    Which exercises are published changes with the clock as well as with writes: a draft of
    the ward opening since a value was drawn makes it out of date, and it is drawn again under
    a key holding that opening (once for everyone, not once a request)."""
    seen = restricted_visible_ids(viewer)
    parts: tuple[pagecache.Part, ...] = (ward.pk, limit, seen)

    def draw() -> tuple[list[Exercise], datetime.datetime | None]:
        # One query: the exercises shown, and the next draft this viewer does not see yet,
        # to know when it opens (drafts come first in the list's order, the latest first).
        now = timezone.now()
        of_ward = Exercise.objects.filter(wards=ward)
        next_draft = (
            of_ward.filter(suggest_opens__gt=now).exclude(pk__in=seen).order_by("suggest_opens")
        )
        wanted = Q(suggest_opens__lte=now) | Q(pk__in=seen) | Q(pk__in=next_draft.values("pk")[:1])
        found = list(
            of_ward.filter(wanted).distinct().select_related("group", "organiser_ward")[: limit + 1]
        )
        shown = [e for e in found if e.suggest_opens <= now or e.pk in seen]
        # Not among them: it sorts after `limit` shown ones, and opening will not change them.
        opening = next((e.suggest_opens for e in found if e not in shown), None)
        return shown[:limit], opening

    rows, opening = pagecache.shared("priorities.of_ward", parts, draw, keep=lambda _: not seen)
    while opening is not None and opening <= timezone.now():
        parts = (*parts, opening.isoformat())
        rows, opening = pagecache.shared("priorities.of_ward", parts, draw, keep=lambda _: not seen)
    return rows


def ballot_priorities(exercise: Exercise) -> list[Priority]:
    """What is on the ballot: published and not merged, in the order they were suggested,
    with their number of supporters."""
    found: list[Priority] = list(
        Priority.objects.filter(
            exercise=exercise, status=Status.PUBLISHED, merged_into__isnull=True
        )
        .select_related("initiative")
        .annotate(supporter_count=Count("supports"))
    )
    for priority in found:
        priority.exercise = exercise  # the one already loaded, not a query per priority
    return found


def pending_priorities(exercise: Exercise) -> list[Priority]:
    return list(
        Priority.objects.filter(exercise=exercise, status=Status.PENDING, merged_into__isnull=True)
        .select_related("author")
        .annotate(supporter_count=Count("supports"))
    )


def own_pending(viewer: Viewer, exercise: Exercise) -> list[Priority]:
    if not viewer.is_authenticated:
        return []
    return list(
        Priority.objects.filter(exercise=exercise, author_id=viewer.pk).exclude(
            status=Status.PUBLISHED
        )
    )


def supported_ids(viewer: Viewer, exercise: Exercise) -> set[int]:
    if not viewer.is_authenticated:
        return set()
    return set(
        Support.objects.filter(priority__exercise=exercise, user_id=viewer.pk).values_list(
            "priority_id", flat=True
        )
    )


def own_ballot(viewer: Viewer, exercise: Exercise) -> Ballot | None:
    if not viewer.is_authenticated:
        return None
    return (
        Ballot.objects.filter(exercise=exercise, voter_id=viewer.pk)
        .prefetch_related("choices")
        .first()
    )


# --- Near-duplicates -----------------------------------------------------------------------------

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "in",
        "on",
        "to",
        "more",
        "better",
        "with",
        "at",
        "by",
        "our",
        "we",
        "more",
        "less",
        "be",
        "is",
        "are",
    ]
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP)


def similarity(a: str, b: str) -> float:
    """How alike two suggestions read: the larger of the Jaccard index of their words (common
    words left out) and difflib's ratio of the lower-cased texts."""
    wa, wb = _words(a), _words(b)
    jaccard = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    ratio = difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()
    return max(jaccard, ratio)


def possible_duplicates(
    candidates: Iterable[Priority], published: Iterable[Priority], *, threshold: float = 0.6
) -> dict[int, list[Priority]]:
    """For each candidate, the published priorities that read most like it (best first)."""
    published = list(published)
    found: dict[int, list[Priority]] = {}
    for candidate in candidates:
        scored = [
            (similarity(candidate.title, other.title), other)
            for other in published
            if other.pk != candidate.pk
        ]
        close = sorted((s for s in scored if s[0] >= threshold), key=lambda s: -s[0])
        if close:
            found[candidate.pk] = [other for _score, other in close[:3]]
    return found


# --- Results --------------------------------------------------------------------------------


@dataclass
class Row:
    priority: Priority
    total: int = 0
    online: int = 0
    paper: int = 0
    voters: int = 0
    may_start: bool = False  # whether the viewer may start an initiative from it


@dataclass
class Cell:
    """One group of voters in a breakdown: shown, or "fewer than 10" (`shown` False)."""

    key: str
    label: str
    voters: int
    shown: bool
    top: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Results:
    rows: list[Row]
    voters: int
    online_voters: int
    paper_voters: int
    by_ward: list[Cell]
    by_age: list[Cell]


def suppress(counts: dict[str, int], minimum: int = MIN_GROUP) -> set[str]:
    """Which groups to hide: every group of fewer than `minimum` voters, and then, while the
    hidden ones add up to some voters but fewer than `minimum` (their total could be found by
    subtracting the shown groups from the overall total), the smallest shown group as well.
    Hidden groups that add up to nobody give nobody away."""
    hidden = {key for key, n in counts.items() if n < minimum}
    shown = sorted((n, key) for key, n in counts.items() if key not in hidden)
    while 0 < sum(counts[k] for k in hidden) < minimum and shown:
        hidden.add(shown.pop(0)[1])
    return hidden


def results(exercise: Exercise) -> Results:
    """Ranked priorities with online and paper counts, and breakdowns by ward and by age."""
    priorities = {p.pk: p for p in ballot_priorities(exercise)}
    rows = {pk: Row(priority=p) for pk, p in priorities.items()}
    choices = BallotChoice.objects.filter(ballot__exercise=exercise)
    for pk, paper, total, voters in choices.values_list("priority_id", "ballot__is_paper").annotate(
        total=Sum("dots"), voters=Count("ballot_id", distinct=True)
    ):
        row = rows.get(pk)
        if row is None:
            continue
        row.total += total
        row.voters += voters
        if paper:
            row.paper += total
        else:
            row.online += total
    ranked = sorted(
        rows.values(), key=lambda r: (-r.total, r.priority.title.lower(), r.priority.pk)
    )
    ballots = Ballot.objects.filter(exercise=exercise)
    tally = ballots.aggregate(all=Count("pk"), paper=Count("pk", filter=Q(is_paper=True)))
    wards = list(exercise.wards.all())
    by_ward = _breakdown(
        exercise,
        "ballot__ward_id",
        ballots.values_list("ward_id").annotate(n=Count("pk")),
        [(str(w.pk), w.name) for w in wards] + [("", _("Elsewhere or not given"))],
        priorities,
    )
    by_age = _breakdown(
        exercise,
        "ballot__age_band",
        ballots.values_list("age_band").annotate(n=Count("pk")),
        [(str(v), str(label)) for v, label in AgeBand.choices] + [("", _("Not given"))],
        priorities,
    )
    return Results(
        rows=ranked,
        voters=tally["all"],
        online_voters=tally["all"] - tally["paper"],
        paper_voters=tally["paper"],
        by_ward=by_ward,
        by_age=by_age,
    )


def _breakdown(
    exercise: Exercise,
    column: str,
    voter_counts: Iterable[tuple[object, int]],
    groups: list[tuple[str, str]],
    priorities: dict[int, Priority],
) -> list[Cell]:
    known = {key for key, _label in groups}
    counts: dict[str, int] = defaultdict(int)
    for value, n in voter_counts:
        key = "" if value is None else str(value)
        counts[key if key in known else ""] += n
    for key in known:
        counts.setdefault(key, 0)
    hidden = suppress(dict(counts))
    totals: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        BallotChoice.objects.filter(ballot__exercise=exercise)
        .values_list(column, "priority_id")
        .annotate(total=Sum("dots"))
    )
    for value, pk, total in rows:
        key = "" if value is None else str(value)
        totals[key if key in known else ""][pk] += total
    cells = []
    for key, label in groups:
        shown = key not in hidden
        top: list[tuple[str, int]] = []
        if shown:
            best = sorted(totals[key].items(), key=lambda kv: -kv[1])
            top = [(priorities[pk].title, n) for pk, n in best if pk in priorities][:3]
        cells.append(Cell(key=key, label=label, voters=counts[key], shown=shown, top=top))
    return cells


def audit_entries(exercise: Exercise, *, limit: int = 200) -> list[AuditEntry]:
    """What was done in the exercise, newest first (paper ballots among them)."""
    return list(
        AuditEntry.objects.filter(data__exercise=exercise.pk)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
