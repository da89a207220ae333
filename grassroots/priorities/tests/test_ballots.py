"""Ballots: one a person, changeable until voting closes, checked; paper ballots entered by the
organisers and recorded as such."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.priorities import services
from grassroots.priorities.models import Ballot, BallotChoice, Exercise, Method, Phase, Priority
from grassroots.priorities.tests.factories import Place, open_exercise, published, set_phase

pytestmark = pytest.mark.django_db


def _voting(place: Place, method: str = Method.DOTS) -> tuple[Exercise, list[Priority]]:
    exercise = open_exercise(place, method=method, dots=5)
    ps = published(exercise, place.resident, "Trees", "Benches", "Crossing")
    set_phase(exercise, Phase.VOTE)
    return exercise, ps


def _choices(ballot: Ballot) -> dict[int, int]:
    return dict(BallotChoice.objects.filter(ballot=ballot).values_list("priority_id", "dots"))


def test_the_database_keeps_one_online_ballot_a_person(place: Place) -> None:
    exercise, _ps = _voting(place)
    Ballot.objects.create(exercise=exercise, voter=place.resident, entered_by=place.resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(exercise=exercise, voter=place.resident, entered_by=place.resident)
    # Paper ballots name nobody, and there may be any number of them.
    for _n in range(2):
        Ballot.objects.create(exercise=exercise, is_paper=True, entered_by=place.organiser)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            exercise=exercise, voter=place.resident_b, is_paper=True, entered_by=place.organiser
        )


def test_dot_ballot_through_the_page_then_changed(place: Place, client: Client) -> None:
    exercise, (a, b, c) = _voting(place)
    client.force_login(place.resident)
    url = f"/priorities/{exercise.pk}/ballot/"
    assert client.get(url).status_code == 200
    client.post(url, {f"p{a.pk}": "3", f"p{b.pk}": "2", f"p{c.pk}": "0", "age_band": "35-54"})
    ballot = Ballot.objects.get()
    assert _choices(ballot) == {a.pk: 3, b.pk: 2}
    assert (ballot.voter, ballot.ward, ballot.age_band) == (place.resident, place.ward_a, "35-54")
    body = client.get(url).content.decode()
    assert 'value="3"' in body  # the page shows the ballot as cast
    client.post(url, {f"p{c.pk}": "5"})
    assert Ballot.objects.count() == 1
    assert _choices(Ballot.objects.get()) == {c.pk: 5}
    assert AuditEntry.objects.filter(action="priorities.ballot_change").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"a": "4", "b": "2"}, "You have 5 dots to share out: you used 6"),
        ({"a": "6"}, "You can put at most 5 dots on “Trees”"),
        ({"a": "-1"}, "The dots for “Trees” cannot be less than 0"),
        ({"a": "two"}, "Enter a whole number of dots for “Trees”"),
        ({}, "Put at least one dot on a priority"),
        ({"a": "1", "age_band": "ancient"}, "Choose an age from the list"),
    ],
)
def test_bad_dot_ballots_are_explained_and_nothing_is_saved(
    place: Place, client: Client, data: dict[str, str], message: str
) -> None:
    exercise, (a, b, _c) = _voting(place)
    posted = {
        (f"p{a.pk}" if k == "a" else f"p{b.pk}" if k == "b" else k): v for k, v in data.items()
    }
    client.force_login(place.resident)
    response = client.post(f"/priorities/{exercise.pk}/ballot/", posted)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not Ballot.objects.exists()


def test_approval_ballots_tick_each_priority_once(place: Place, client: Client) -> None:
    exercise, (a, b, _c) = _voting(place, Method.APPROVAL)
    client.force_login(place.resident)
    url = f"/priorities/{exercise.pk}/ballot/"
    response = client.post(url, {})
    assert "Tick at least one priority" in response.content.decode()
    response = client.post(url, {"chosen": ["999999"]})
    assert "Choose from the priorities on the ballot" in response.content.decode()
    assert not Ballot.objects.exists()
    client.post(url, {"chosen": [a.pk, b.pk]})
    assert _choices(Ballot.objects.get()) == {a.pk: 1, b.pk: 1}
    with pytest.raises(ServiceError, match="at most once"):
        services.ballot_cast(actor=place.resident, exercise=exercise, choices={a.pk: 2})


def test_only_published_unmerged_priorities_can_be_chosen(place: Place) -> None:
    exercise, (a, b, _c) = _voting(place)
    set_phase(exercise, Phase.SUGGEST)
    pending = services.priority_suggest(actor=place.resident, exercise=exercise, title="Pending")
    services.priority_merge(actor=place.organiser, priority=b, into=a)
    set_phase(exercise, Phase.VOTE)
    for bad in (pending, b):
        with pytest.raises(ServiceError, match="Choose from the priorities on the ballot"):
            services.ballot_cast(actor=place.resident, exercise=exercise, choices={bad.pk: 1})
    assert not Ballot.objects.exists()


def test_a_ballot_cannot_change_after_voting_closes(place: Place, client: Client) -> None:
    exercise, (a, b, _c) = _voting(place)
    services.ballot_cast(actor=place.resident, exercise=exercise, choices={a.pk: 5})
    set_phase(exercise, Phase.RESULTS)
    with pytest.raises(ServiceError, match="Voting is not open"):
        services.ballot_cast(actor=place.resident, exercise=exercise, choices={b.pk: 5})
    client.force_login(place.resident)
    response = client.post(f"/priorities/{exercise.pk}/ballot/", {f"p{b.pk}": "5"})
    assert response.status_code == 302
    assert _choices(Ballot.objects.get()) == {a.pk: 5}


def test_voting_does_not_open_before_its_phase(place: Place) -> None:
    exercise = open_exercise(place)
    (a,) = published(exercise, place.resident, "Trees")
    with pytest.raises(ServiceError, match="Voting is not open"):
        services.ballot_cast(actor=place.resident, exercise=exercise, choices={a.pk: 1})


def test_residents_elsewhere_may_not_vote(place: Place, client: Client) -> None:
    exercise, (a, _b, _c) = _voting(place)
    client.force_login(place.outsider)
    assert client.post(f"/priorities/{exercise.pk}/ballot/", {f"p{a.pk}": "1"}).status_code == 403
    assert not Ballot.objects.exists()


def test_paper_ballots_are_recorded_as_paper_with_who_and_when(
    place: Place, client: Client
) -> None:
    exercise, (a, b, _c) = _voting(place)
    client.force_login(place.organiser)
    url = f"/priorities/{exercise.pk}/paper/"
    assert client.get(url).status_code == 200
    response = client.post(url, {f"p{a.pk}": "2", "ward": place.ward_b.pk, "age_band": "75+"})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.is_paper
    assert ballot.voter is None
    assert (ballot.entered_by, ballot.ward, ballot.age_band) == (
        place.organiser,
        place.ward_b,
        "75+",
    )
    entry = AuditEntry.objects.get(action="priorities.paper_ballot")
    assert entry.actor_id == place.organiser.pk
    audit_page = client.get(f"/priorities/{exercise.pk}/audit/").content.decode()
    assert "data-paper-entry" in audit_page
    # A ward outside the exercise, or too many dots: explained, nothing saved.
    response = client.post(url, {f"p{a.pk}": "1", "ward": place.ward_c.pk})
    assert "Choose a ward from the list" in response.content.decode()
    response = client.post(url, {f"p{a.pk}": "3", f"p{b.pk}": "3"})
    assert "you used 6" in response.content.decode()
    assert Ballot.objects.count() == 1
    with pytest.raises(ServiceError, match="Choose a ward of this exercise"):
        services.paper_ballot_enter(
            actor=place.organiser, exercise=exercise, choices={a.pk: 1}, ward=place.ward_c
        )


def test_paper_ballots_only_while_voting_is_open(place: Place) -> None:
    exercise, (a, _b, _c) = _voting(place)
    set_phase(exercise, Phase.RESULTS)
    with pytest.raises(ServiceError, match="only be entered while voting is open"):
        services.paper_ballot_enter(actor=place.organiser, exercise=exercise, choices={a.pk: 1})
    assert not Ballot.objects.exists()
