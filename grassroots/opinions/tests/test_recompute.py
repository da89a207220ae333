"""Votes queue a recomputation, at most one per map per debounce window; the run computes the
map and queues another when votes arrived that it did not see. Voting costs a small, fixed
number of queries and never computes in the request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django_tasks import default_task_backend

from grassroots.opinions import services
from grassroots.opinions.computing import next_statement_id
from grassroots.opinions.models import OpinionMap, Vote
from grassroots.opinions.tasks import DEBOUNCE, is_queued, recompute_map, schedule_recompute
from grassroots.opinions.tests.factories import Place, start_map, statements
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued() -> Iterator[list[Any]]:
    """The tasks enqueued while the test runs (a backend that only keeps them)."""
    cache.clear()
    with override_settings(TASKS=DUMMY):
        results: list[Any] = default_task_backend.results  # type: ignore[attr-defined]
        results.clear()
        yield results


def test_many_votes_queue_one_recompute(
    place: Place, queued: list[Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    opinion_map = start_map(place, seeds=tuple(f"Statement {n}" for n in range(5)))
    voters = [make_resident(ward=place.ward_a) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for voter in voters:
            for statement in statements(opinion_map):
                services.vote_cast(
                    actor=voter, opinion_map=opinion_map, statement_id=statement.pk, choice=1
                )
    assert Vote.objects.count() == 20
    assert len(queued) == 1
    assert queued[0].args == [opinion_map.pk]
    assert queued[0].task.run_after is not None
    assert is_queued(opinion_map.pk)


def test_the_run_computes_and_queues_again_for_late_votes(
    place: Place, queued: list[Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    opinion_map = start_map(place)
    first, second, _third = statements(opinion_map)
    services.vote_cast(
        actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=1
    )
    seen = recompute_map.call(opinion_map.pk)
    assert seen == 1
    stored = OpinionMap.objects.get(pk=opinion_map.pk)
    assert stored.computed_votes == 1
    assert stored.result is not None
    # The run cleared the key: the next vote queues the next run.
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            actor=place.resident, opinion_map=opinion_map, statement_id=second.pk, choice=-1
        )
    assert len(queued) == 1
    assert schedule_recompute(opinion_map.pk) is False
    # A run that finds more votes than it computed (one arrived meanwhile) queues again.
    cache.clear()
    queued.clear()
    Vote.objects.filter(statement=second).delete()
    recompute_map.call(opinion_map.pk)
    with django_capture_on_commit_callbacks(execute=True):
        Vote.objects.create(
            participant=Vote.objects.get().participant, statement=second, map=opinion_map, choice=0
        )
        assert OpinionMap.objects.get(pk=opinion_map.pk).computed_votes == 1
        recompute_map.call(opinion_map.pk)
    assert OpinionMap.objects.get(pk=opinion_map.pk).computed_votes == 2
    assert queued == []
    assert DEBOUNCE > 0


def test_a_vote_costs_a_few_queries_and_computes_nothing(
    place: Place, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    opinion_map = start_map(place)
    first, second, _third = statements(opinion_map)
    services.vote_cast(
        actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=1
    )
    with django_assert_max_num_queries(7):
        services.vote_cast(
            actor=place.resident, opinion_map=opinion_map, statement_id=second.pk, choice=0
        )
    assert OpinionMap.objects.get(pk=opinion_map.pk).computed_at is None


def test_the_next_statement_is_never_one_already_answered(place: Place) -> None:
    opinion_map = start_map(place, seeds=tuple(f"Statement {n}" for n in range(30)))
    ids = [s.pk for s in statements(opinion_map)]
    for seed in range(40):
        voted = set(ids[seed % 7 :: 3])
        chosen = next_statement_id(opinion_map, ids, voted, seed=seed)
        assert chosen is not None
        assert chosen not in voted
    assert next_statement_id(opinion_map, ids, set(ids), seed=1) is None
