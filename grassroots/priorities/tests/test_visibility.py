"""The three forms of the visibility rule agree: published exercises are public, drafts are
for their organisers (and site admins)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User
from grassroots.priorities import visibility
from grassroots.priorities.models import Exercise, Phase
from grassroots.priorities.tests.factories import Place, open_exercise

pytestmark = pytest.mark.django_db

PEOPLE = ["organiser", "resident", "outsider", "councillor", "moderator", "site_admin"]


@pytest.mark.parametrize(
    ("phase", "by_councillor", "seers"),
    [
        (Phase.SUGGEST, False, set(PEOPLE)),
        (Phase.DRAFT, False, {"organiser", "site_admin"}),
        (Phase.DRAFT, True, {"councillor", "site_admin"}),
    ],
)
def test_the_three_forms_agree(
    place: Place, phase: Phase, by_councillor: bool, seers: set[str]
) -> None:
    exercise = open_exercise(place, phase=phase, by_councillor=by_councillor)
    people: dict[str, User] = {name: getattr(place, name) for name in PEOPLE}
    one = {name for name, user in people.items() if visibility.can_view(user, exercise)}
    many = {
        name
        for name, user in people.items()
        if visibility.visible_exercises(user, Exercise.objects.all())
        .filter(pk=exercise.pk)
        .exists()
    }
    assert one == many == seers
    reached = visibility.viewers(exercise, [u.pk for u in people.values()])
    # Notices about a draft reach its organisers (site admins see it, but need no notice).
    assert {name for name, u in people.items() if u.pk in reached} == seers - (
        {"site_admin"} if phase == Phase.DRAFT else set()
    )
    assert visibility.can_view(AnonymousUser(), exercise) == (phase != Phase.DRAFT)
