"""Running the engine on a stored map, and keeping what it found.

`compute_map` loads a map's votes as index arrays (participants and statements keep the place
the last run gave them; newcomers are added at the end), runs `engine.compute` with the last
run's state as its warm start, and stores on the map:

- `state`: `{"engine": State.as_dict(), "participants": [ids], "statements": [ids]}`;
- `result`: what the report and the next-statement draw read, in plain JSON:
  `k`, `participants` (`total`, `voted`, `in`), `votes`, `groups` (`id`, `label`, `size`, `x`,
  `y`, `representative`), `consensus`, `points` (`[participant id, x, y, group id or -1]` for
  everybody in the conversation) and `priority` (`{statement id: weight}`). A statistic is
  `{"statement", "direction", "n_success", "n_trials", "p_success", "p_test", "repness",
  "repness_test"}` with `statement` a statement id and `direction` "agree" or "disagree".

Only one computation of a map runs at a time: `compute_map` claims the map first and does
nothing (returns None) when another run holds it (a claim older than `CLAIM_EXPIRES` is taken
over, for a worker that died).
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from grassroots.opinions import engine
from grassroots.opinions.models import OpinionMap, Participant, Statement, StatementStatus, Vote

CLAIM_EXPIRES = datetime.timedelta(minutes=30)

Progress = Callable[[int], None]


def group_label(position: int) -> str:
    """Group A, B, C… by position among the current groups (ids are stable, labels follow)."""
    letters = string.ascii_uppercase
    return letters[position] if position < len(letters) else str(position + 1)


def _claim(map_id: int) -> bool:
    now = timezone.now()
    claimed = OpinionMap.objects.filter(
        Q(computing_since__isnull=True) | Q(computing_since__lt=now - CLAIM_EXPIRES), pk=map_id
    ).update(computing_since=now, progress=0)
    return claimed == 1


def _set_progress(map_id: int, percent: int) -> None:
    OpinionMap.objects.filter(pk=map_id).update(progress=max(0, min(100, percent)))


def _order(previous: list[int], current: list[int]) -> list[int]:
    """The last run's order, then ids it has not seen, oldest first. Ids that have gone keep
    their place (with no votes), so everybody else keeps theirs."""
    known = set(previous)
    return previous + [item for item in current if item not in known]


def _stat(stat: engine.StatementStat, statement_ids: list[int]) -> dict[str, Any]:
    data = asdict(stat)
    data["statement"] = statement_ids[stat.statement]
    for key in ("p_success", "p_test", "repness", "repness_test"):
        data[key] = round(float(data[key]), 4)
    return data


def _result_json(
    result: engine.Result, participant_ids: list[int], statement_ids: list[int], n_votes: int
) -> dict[str, Any]:
    groups = sorted(result.groups, key=lambda group: group.id)
    points = [
        [
            participant_ids[index],
            round(float(result.x[index]), 4),
            round(float(result.y[index]), 4),
            int(result.group[index]),
        ]
        for index in np.flatnonzero(result.in_conversation)
    ]
    return {
        "k": result.k,
        "participants": {
            "total": len(participant_ids),
            "voted": int(np.count_nonzero(result.n_votes)),
            "in": int(np.count_nonzero(result.in_conversation)),
        },
        "votes": n_votes,
        "groups": [
            {
                "id": group.id,
                "label": group_label(position),
                "size": group.size,
                "x": round(group.x, 4),
                "y": round(group.y, 4),
                "representative": [_stat(s, statement_ids) for s in group.representative],
            }
            for position, group in enumerate(groups)
        ],
        "consensus": [_stat(s, statement_ids) for s in result.consensus],
        "points": points,
        "priority": {
            str(statement_ids[index]): round(float(weight), 6)
            for index, weight in enumerate(result.statement_priority)
        },
    }


def compute_map(map_id: int, *, seed: int = 0) -> OpinionMap | None:
    """Compute the map and store what was found; None when another run has it claimed."""
    if not _claim(map_id):
        return None
    try:
        return _compute(map_id, seed)
    finally:
        OpinionMap.objects.filter(pk=map_id).update(computing_since=None)


def _compute(map_id: int, seed: int) -> OpinionMap:
    opinion_map = OpinionMap.objects.get(pk=map_id)
    stored = opinion_map.state or {}
    participant_ids = _order(
        list(stored.get("participants", [])),
        list(Participant.objects.filter(map_id=map_id).values_list("id", flat=True)),
    )
    statements = list(Statement.objects.filter(map_id=map_id).values_list("id", "status"))
    statement_ids = _order(list(stored.get("statements", [])), [sid for sid, _ in statements])
    published = {sid for sid, status in statements if status == StatementStatus.PUBLISHED}
    _set_progress(map_id, 5)

    participant_index = {pid: index for index, pid in enumerate(participant_ids)}
    statement_index = {sid: index for index, sid in enumerate(statement_ids)}
    rows = Vote.objects.filter(map_id=map_id).values_list(
        "participant_id", "statement_id", "choice"
    )
    triples = np.fromiter(
        (
            (participant_index[pid], statement_index[sid], choice)
            for pid, sid, choice in rows.iterator(chunk_size=20_000)
        ),
        dtype=np.dtype((np.int64, 3)),
    ).reshape(-1, 3)
    _set_progress(map_id, 30)

    previous = engine.State.from_dict(stored["engine"]) if "engine" in stored else None
    excluded = [index for index, sid in enumerate(statement_ids) if sid not in published]
    result = engine.compute(
        (triples[:, 0], triples[:, 1], triples[:, 2]),
        previous,
        shape=(len(participant_ids), len(statement_ids)),
        excluded_statements=excluded,
        seed=seed,
        threads=1,
    )
    _set_progress(map_id, 90)

    opinion_map.state = {
        "engine": result.state.as_dict(),
        "participants": participant_ids,
        "statements": statement_ids,
    }
    opinion_map.result = _result_json(result, participant_ids, statement_ids, len(triples))
    opinion_map.computed_at = timezone.now()
    opinion_map.computed_votes = len(triples)
    opinion_map.progress = 100
    opinion_map.save(update_fields=["state", "result", "computed_at", "computed_votes", "progress"])
    return opinion_map


def next_statement_id(
    opinion_map: OpinionMap, published_ids: list[int], voted_ids: set[int], *, seed: int
) -> int | None:
    """The statement to show next: a weighted draw among published statements the participant
    has not voted on, using the priorities of the last computation (statements added since
    then count as new). None when they have voted on every one."""
    priority = (opinion_map.result or {}).get("priority", {})
    order = list(published_ids)
    voted = [index for index, sid in enumerate(order) if sid in voted_ids]
    weights = np.asarray(
        [float(priority.get(str(sid), engine.NEW_STATEMENT_PRIORITY)) for sid in order]
    )
    index = engine.next_statement(len(order), voted, priority=weights, seed=seed)
    return None if index is None else order[index]
