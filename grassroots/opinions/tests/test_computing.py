"""Computing a stored map: the engine's answer is kept, and everybody keeps their place."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone
from sklearn.metrics import adjusted_rand_score

from grassroots.opinions import engine
from grassroots.opinions.computing import compute_map, next_statement_id
from grassroots.opinions.models import (
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from grassroots.opinions.synthetic import PlantedVotes, planted_votes
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def _stored_map(votes: PlantedVotes) -> tuple[OpinionMap, list[Participant], list[Statement]]:
    opinion_map = OpinionMap.objects.create(ward=WardFactory(), question="What next for the park?")
    participants = Participant.objects.bulk_create(
        Participant(map=opinion_map, external_id=index) for index in range(votes.shape[0])
    )
    statements = Statement.objects.bulk_create(
        Statement(
            map=opinion_map,
            text=f"Statement {index}",
            is_seed=True,
            status=StatementStatus.PUBLISHED,
        )
        for index in range(votes.shape[1])
    )
    Vote.objects.bulk_create(
        Vote(
            map=opinion_map,
            participant=participants[p],
            statement=statements[s],
            choice=int(v),
        )
        for p, s, v in zip(votes.participants, votes.statements, votes.values, strict=True)
    )
    return opinion_map, participants, statements


def _groups_by_participant(opinion_map: OpinionMap) -> dict[int, int]:
    assert opinion_map.result is not None
    return {pid: group for pid, _x, _y, group in opinion_map.result["points"]}


def test_compute_finds_the_planted_groups_and_keeps_them() -> None:
    votes = planted_votes(120, 30, density=0.5, seed=3)
    opinion_map, participants, statements = _stored_map(votes)

    computed = compute_map(opinion_map.pk)

    assert computed is not None
    assert computed.result is not None
    result = computed.result
    per_participant = np.bincount(votes.participants, minlength=120)
    joined = int(np.count_nonzero(per_participant >= 7))
    assert result["participants"] == {"total": 120, "voted": 120, "in": joined}
    assert result["votes"] == len(votes.values) == computed.computed_votes
    assert computed.computed_at is not None
    assert computed.progress == 100
    assert [group["label"] for group in result["groups"]] == ["A", "B", "C"][: result["k"]]
    assert sum(group["size"] for group in result["groups"]) == joined
    statement_ids = {statement.pk for statement in statements}
    for stat in result["consensus"] + result["groups"][0]["representative"]:
        assert stat["statement"] in statement_ids
        assert stat["direction"] in {"agree", "disagree"}
    groups = _groups_by_participant(computed)
    joined_at = np.flatnonzero(per_participant >= 7)
    found = [groups[participants[index].pk] for index in joined_at]
    # What is stored is the engine's own answer on the same votes.
    direct = engine.compute(
        (votes.participants, votes.statements, votes.values), shape=votes.shape, threads=1
    )
    assert found == [int(direct.group[index]) for index in joined_at]
    assert adjusted_rand_score(votes.planted[joined_at], found) > 0.6

    # A second run on the same votes (warm start) keeps every participant's group id.
    again = compute_map(opinion_map.pk)
    assert again is not None
    assert _groups_by_participant(again) == groups
    OpinionMap.objects.filter(pk=opinion_map.pk).update(computing_since=None)


def test_a_statement_moderated_out_leaves_the_report_and_newcomers_keep_order() -> None:
    votes = planted_votes(60, 12, density=0.8, seed=5)
    opinion_map, _participants, statements = _stored_map(votes)
    first = compute_map(opinion_map.pk)
    assert first is not None
    assert first.state is not None
    order = first.state["participants"]

    removed = statements[0]
    Statement.objects.filter(pk=removed.pk).update(status=StatementStatus.REJECTED)
    newcomer = Participant.objects.create(map=opinion_map, external_id=999)
    second = compute_map(opinion_map.pk)

    assert second is not None
    assert second.state is not None
    assert second.result is not None
    assert second.state["participants"] == [*order, newcomer.pk]
    shown = [s["statement"] for s in second.result["consensus"]] + [
        s["statement"] for group in second.result["groups"] for s in group["representative"]
    ]
    assert removed.pk not in shown
    assert str(removed.pk) in second.result["priority"]
    assert second.result["priority"][str(removed.pk)] == 0


def test_a_map_being_computed_is_not_computed_twice_at_once() -> None:
    votes = planted_votes(30, 10, density=0.8, seed=1)
    opinion_map, _participants, _statements = _stored_map(votes)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(computing_since=timezone.now())

    assert compute_map(opinion_map.pk) is None
    opinion_map.refresh_from_db()
    assert opinion_map.result is None


def test_next_statement_is_never_one_already_voted_on() -> None:
    votes = planted_votes(40, 8, density=0.8, seed=2)
    opinion_map, _participants, statements = _stored_map(votes)
    computed = compute_map(opinion_map.pk)
    assert computed is not None
    ids = [statement.pk for statement in statements]
    voted = set(ids[:7])
    for seed in range(20):
        assert next_statement_id(computed, ids, voted, seed=seed) == ids[7]
    assert next_statement_id(computed, ids, set(ids), seed=0) is None
