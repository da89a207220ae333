"""Opening an exercise from the group's or the ward's page, and moving its phase on."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.priorities.models import Exercise, Phase
from grassroots.priorities.tests.factories import Place, open_exercise

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _form(place: Place, **changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "question": "What would make Riverside an even better place to live?",
        "description": "Tell us.",
        "wards": [place.ward_a.pk, place.ward_b.pk],
        **_date("suggest_opens", today + datetime.timedelta(days=1)),
        **_date("suggest_closes", today + datetime.timedelta(days=15)),
        **_date("vote_closes", today + datetime.timedelta(days=30)),
        "method": "dots",
        "dots": "5",
        "participation": "residents",
    }
    data.update(changes)
    return data


def test_an_organiser_opens_one_for_the_group(place: Place, client: Client) -> None:
    client.force_login(place.organiser)
    url = f"/priorities/new/?host=group:{place.group.slug}"
    assert client.get(url).status_code == 200
    response = client.post(url, _form(place))
    exercise = Exercise.objects.get()
    assert response.status_code == 302
    assert response["Location"] == exercise.get_absolute_url()
    assert exercise.group == place.group
    assert exercise.phase == Phase.DRAFT
    assert set(exercise.wards.all()) == {place.ward_a, place.ward_b}
    assert AuditEntry.objects.filter(action="priorities.exercise_open").count() == 1


def test_a_councillor_opens_one_for_their_ward(place: Place, client: Client) -> None:
    client.force_login(place.councillor)
    choose = client.get("/priorities/new/")
    assert f"?host=ward:{place.ward_a.pk}" in choose.content.decode()
    url = f"/priorities/new/?host=ward:{place.ward_a.pk}"
    response = client.post(url, _form(place, wards=[place.ward_a.pk]))
    assert response.status_code == 302
    exercise = Exercise.objects.get()
    assert exercise.organiser == place.councillor
    assert exercise.organiser_ward == place.ward_a


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": ""}, "Enter the question"),
        ({"question": "x" * 201}, "The question must be 200 characters or fewer"),
        ({"wards": []}, "Choose at least one ward"),
        ({"wards": ["999999"]}, "Choose wards from the list"),
        ({"method": ""}, "Choose how people vote"),
        ({"method": "ranked"}, "Choose how people vote"),
        ({"dots": "0"}, "Give each voter between 1 and 20 dots"),
        ({"dots": "lots"}, "Enter the number of dots as a whole number"),
        ({"dots": ""}, "Enter the number of dots each voter has"),
        ({"participation": "martians"}, "Choose who may take part"),
        (
            {"suggest_opens_0": "", "suggest_opens_1": "", "suggest_opens_2": ""},
            "Enter the date suggestions open",
        ),
        (
            {"suggest_closes_0": "40", "suggest_closes_1": "2"},
            "The date voting opens must be a real date",
        ),
        (
            _date("suggest_closes", timezone.localdate()),
            "Voting must open after suggestions open",
        ),
        (
            _date("vote_closes", timezone.localdate() + datetime.timedelta(days=2)),
            "Results must come out after voting opens",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    place: Place, client: Client, changes: dict[str, Any], message: str
) -> None:
    client.force_login(place.organiser)
    response = client.post(
        f"/priorities/new/?host=group:{place.group.slug}", _form(place, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Exercise.objects.exists()


def test_a_stranger_gets_a_403_for_a_group_they_do_not_run(place: Place, client: Client) -> None:
    client.force_login(place.resident)
    url = f"/priorities/new/?host=group:{place.group.slug}"
    assert client.get(url).status_code == 403
    assert client.post(url, _form(place)).status_code == 403
    assert not Exercise.objects.exists()


def test_moving_on_asks_first_then_moves_each_phase(place: Place, client: Client) -> None:
    exercise = open_exercise(place, phase=Phase.DRAFT)
    client.force_login(place.organiser)
    url = f"/priorities/{exercise.pk}/move-on/"
    assert "Open suggestions now?" in client.get(url).content.decode()
    assert Exercise.objects.get(pk=exercise.pk).phase == Phase.DRAFT
    for expected in (Phase.SUGGEST, Phase.VOTE, Phase.RESULTS):
        client.post(url)
        assert Exercise.objects.get(pk=exercise.pk).phase == expected
    assert AuditEntry.objects.filter(action="priorities.exercise_advance").count() == 3
    client.post(url)  # nothing further to move on to
    assert AuditEntry.objects.filter(action="priorities.exercise_advance").count() == 3


def test_list_filters_by_phase(place: Place, client: Client) -> None:
    open_exercise(place, phase=Phase.VOTE)
    body = client.get("/priorities/?phase=vote").content.decode()
    assert "What would make Riverside" in body
    body = client.get("/priorities/?phase=suggest").content.decode()
    assert "What would make Riverside" not in body
    assert client.get("/priorities/?phase=nonsense").status_code == 200


def test_the_group_and_ward_pages_list_exercises(place: Place, client: Client) -> None:
    open_exercise(place)
    client.force_login(place.organiser)
    body = client.get(place.group.get_absolute_url()).content.decode()
    assert "What would make Riverside" in body
    assert "Ask residents what matters most" in body
    body = client.get(place.ward_b.get_absolute_url()).content.decode()
    assert "What would make Riverside" in body
