"""`priorities.visibility.restricted_visible_ids`: with the published exercises, exactly what the
rule lets each person see, so a ward's list may be shared between people with the same answer."""

from __future__ import annotations

import pytest
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core.request_cache import scope
from grassroots.priorities import visibility
from grassroots.priorities.models import Exercise, Phase
from grassroots.priorities.tests.factories import Place, build_place, open_exercise, set_phase

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]


def by_rule(viewer: User | None) -> set[int]:
    return set(visibility.visible_exercises(viewer).values_list("pk", flat=True))


def by_ids(viewer: User | None) -> set[int]:
    published = Exercise.objects.filter(suggest_opens__lte=timezone.now())
    with scope():
        ids = visibility.restricted_visible_ids(viewer)
    return set(published.values_list("pk", flat=True)) | set(ids)


def everyone(place: Place) -> list[User | None]:
    return [
        None,
        place.organiser,
        place.resident,
        place.outsider,
        place.councillor,
        place.other_councillor,
        place.moderator,
        place.site_admin,
    ]


def test_published_exercises_and_the_drafts_seen_are_what_the_rule_shows() -> None:
    place = build_place()
    open_exercise(place)  # published, run by the group
    group_draft = set_phase(open_exercise(place), Phase.DRAFT)
    ward_draft = set_phase(open_exercise(place, by_councillor=True), Phase.DRAFT)
    for viewer in everyone(place):
        assert by_ids(viewer) == by_rule(viewer)
    with scope():
        assert visibility.restricted_visible_ids(place.resident) == ()
        assert visibility.restricted_visible_ids(None) == ()
        assert visibility.restricted_visible_ids(place.organiser) == (group_draft.pk,)
        assert visibility.restricted_visible_ids(place.councillor) == (ward_draft.pk,)
        assert set(visibility.restricted_visible_ids(place.site_admin)) == {
            group_draft.pk,
            ward_draft.pk,
        }


def test_an_organiser_who_steps_down_loses_the_draft_at_once() -> None:
    place = build_place()
    draft = set_phase(open_exercise(place), Phase.DRAFT)
    with scope():
        assert visibility.restricted_visible_ids(place.organiser) == (draft.pk,)
    place.group.memberships.filter(user=place.organiser).delete()
    with scope():
        assert visibility.restricted_visible_ids(place.organiser) == ()
    assert by_ids(place.organiser) == by_rule(place.organiser)
