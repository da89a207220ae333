"""The demo borough has a priority exercise in each phase, made through the services, and a
second run gives the same content."""

from __future__ import annotations

import pytest

from grassroots.demo.borough import Borough
from grassroots.demo.seed import seed_demo
from grassroots.priorities import selectors
from grassroots.priorities.models import Ballot, Exercise, Phase, Priority, Status


def _content() -> list[tuple[object, ...]]:
    return sorted(
        (
            e.question,
            e.phase,
            tuple(sorted(p.title for p in Priority.objects.filter(exercise=e))),
            Ballot.objects.filter(exercise=e, is_paper=False).count(),
            Ballot.objects.filter(exercise=e, is_paper=True).count(),
        )
        for e in Exercise.objects.all()
    )


pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]


def test_the_demo_has_an_exercise_in_each_phase_and_is_the_same_on_a_second_run(
    seeded: Borough,
) -> None:
    borough = seeded
    exercises = {e.phase: e for e in Exercise.objects.filter(council=borough.council)}
    assert set(exercises) == {Phase.SUGGEST, Phase.VOTE, Phase.RESULTS}
    suggesting = exercises[Phase.SUGGEST]
    assert Priority.objects.filter(exercise=suggesting, status=Status.PENDING).exists()
    assert Priority.objects.filter(exercise=suggesting, status=Status.PUBLISHED).count() >= 5
    voting = exercises[Phase.VOTE]
    assert voting.organiser == borough.accounts["councillor"]
    assert Ballot.objects.filter(exercise=voting).count() >= 5
    found = selectors.results(exercises[Phase.RESULTS])
    assert found.online_voters >= 30
    assert found.paper_voters >= 10
    assert any(row.paper for row in found.rows)
    first = _content()
    seed_demo()
    assert _content() == first
