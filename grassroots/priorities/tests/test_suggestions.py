"""Suggesting, "me too", moderation, possible duplicates and merging."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.priorities import selectors, services
from grassroots.priorities.models import BallotChoice, Method, Phase, Priority, Status, Support
from grassroots.priorities.tests.factories import Place, open_exercise, published, set_phase
from grassroots.testing.people import make_resident

pytestmark = pytest.mark.django_db


def test_a_resident_suggests_and_it_waits_for_the_organisers(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    client.force_login(place.resident)
    response = client.post(
        f"/priorities/{exercise.pk}/suggest/", {"title": "A safe crossing by the school"}
    )
    assert response.status_code == 302
    p = Priority.objects.get()
    assert (p.status, p.author) == (Status.PENDING, place.resident)
    assert list(Support.objects.values_list("user_id", flat=True)) == [place.resident.pk]
    body = client.get(exercise.get_absolute_url()).content.decode()
    assert "Your suggestions not yet published" in body
    client.force_login(place.resident_b)
    assert "A safe crossing" not in client.get(exercise.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Enter your suggestion"),
        ({"title": "   "}, "Enter your suggestion"),
        ({"title": "x" * 121}, "Your suggestion must be 120 characters or fewer"),
        ({"title": "ok", "detail": "y" * 2001}, "The detail must be 2,000 characters or fewer"),
        ({"title": "bad\x07bell"}, "Remove the control characters"),
    ],
)
def test_bad_suggestions_are_explained(
    place: Place, client: Client, data: dict[str, str], message: str
) -> None:
    exercise = open_exercise(place)
    client.force_login(place.resident)
    response = client.post(f"/priorities/{exercise.pk}/suggest/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Priority.objects.exists()


def test_suggestions_close_with_their_phase(place: Place, client: Client) -> None:
    exercise = open_exercise(place, phase=Phase.VOTE)
    with pytest.raises(ServiceError, match="Suggestions are closed"):
        services.priority_suggest(actor=place.resident, exercise=exercise, title="Late")
    client.force_login(place.resident)
    response = client.post(f"/priorities/{exercise.pk}/suggest/", {"title": "Late"})
    assert response.status_code == 302
    assert not Priority.objects.exists()


@pytest.mark.usefixtures("held_clock")
@override_settings(GRASSROOTS_RATE_LIMITS={"suggestion": ["2/m"]})
def test_suggestions_are_rate_limited(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    client.force_login(place.resident)
    for n in range(2):
        client.post(f"/priorities/{exercise.pk}/suggest/", {"title": f"Idea {n}"})
    response = client.post(f"/priorities/{exercise.pk}/suggest/", {"title": "One too many"})
    assert response.status_code == 429
    assert Priority.objects.count() == 2


def test_me_too_adds_a_supporter_once(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    (p,) = published(exercise, place.resident, "More benches")
    client.force_login(place.resident_b)
    client.post(f"/priorities/{exercise.pk}/suggestions/{p.pk}/support/")
    client.post(f"/priorities/{exercise.pk}/suggestions/{p.pk}/support/")
    assert Support.objects.filter(priority=p).count() == 2
    pending = services.priority_suggest(actor=place.resident, exercise=exercise, title="Hidden")
    with pytest.raises(ServiceError, match="not published"):
        services.priority_support(actor=place.resident_b, priority=pending)


def test_moderating_through_the_page(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    p = services.priority_suggest(actor=place.resident, exercise=exercise, title="Fix the lights")
    client.force_login(place.organiser)
    assert "Fix the lights" in client.get(f"/priorities/{exercise.pk}/moderate/").content.decode()
    client.post(f"/priorities/{exercise.pk}/moderate/", {"priority": p.pk, "decision": "reject"})
    assert Priority.objects.get(pk=p.pk).status == Status.REJECTED
    client.post(f"/priorities/{exercise.pk}/moderate/", {"priority": p.pk, "decision": "publish"})
    assert Priority.objects.get(pk=p.pk).status == Status.PUBLISHED
    response = client.post(
        f"/priorities/{exercise.pk}/moderate/", {"priority": p.pk, "decision": "explode"}
    )
    assert response.status_code == 302
    assert Priority.objects.get(pk=p.pk).status == Status.PUBLISHED
    assert AuditEntry.objects.filter(action="priorities.moderate").count() == 2


def test_possible_duplicates_are_offered(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    published(exercise, place.resident, "More trees on the high street", "A youth club")
    services.priority_suggest(
        actor=place.resident_b, exercise=exercise, title="Trees on high street"
    )
    client.force_login(place.organiser)
    body = client.get(f"/priorities/{exercise.pk}/moderate/").content.decode()
    assert "Reads like:" in body
    assert selectors.similarity("A youth club", "More trees on the high street") < 0.6


def test_merging_keeps_every_supporter_and_moves_the_dots(place: Place) -> None:
    exercise = open_exercise(place, method=Method.DOTS, dots=5)
    keep, dup, other = published(exercise, place.resident, "Trees", "More trees", "Benches")
    services.priority_support(actor=place.resident_b, priority=dup)
    extra = make_resident(ward=place.ward_a)
    services.priority_support(actor=extra, priority=keep)
    set_phase(exercise, Phase.VOTE)
    both = services.ballot_cast(
        actor=place.resident_b, exercise=exercise, choices={keep.pk: 2, dup.pk: 3}
    )
    only_dup = services.ballot_cast(
        actor=extra, exercise=exercise, choices={dup.pk: 4, other.pk: 1}
    )
    services.priority_merge(actor=place.organiser, priority=dup, into=keep)
    assert set(Support.objects.filter(priority=keep).values_list("user_id", flat=True)) == {
        place.resident.pk,
        place.resident_b.pk,
        extra.pk,
    }
    assert BallotChoice.objects.get(ballot=both, priority=keep).dots == 5
    assert BallotChoice.objects.get(ballot=only_dup, priority=keep).dots == 4
    assert not BallotChoice.objects.filter(priority=dup).exists()
    assert Priority.objects.get(pk=dup.pk).merged_into_id == keep.pk
    entry = AuditEntry.objects.get(action="priorities.merge")
    assert entry.data["into"] == keep.pk
    assert entry.data["ballots_moved"] == 2
    assert dup.pk not in {p.pk for p in selectors.ballot_priorities(exercise)}


def test_merging_approval_ballots_counts_a_tick_once(place: Place) -> None:
    exercise = open_exercise(place, method=Method.APPROVAL)
    keep, dup = published(exercise, place.resident, "Trees", "More trees")
    set_phase(exercise, Phase.VOTE)
    ballot = services.ballot_cast(
        actor=place.resident_b, exercise=exercise, choices={keep.pk: 1, dup.pk: 1}
    )
    services.priority_merge(actor=place.organiser, priority=dup, into=keep)
    assert list(ballot.choices.values_list("priority_id", "dots")) == [(keep.pk, 1)]


def test_merge_page_and_its_bad_input(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    keep, dup = published(exercise, place.resident, "Trees", "More trees")
    client.force_login(place.organiser)
    url = f"/priorities/{exercise.pk}/suggestions/{dup.pk}/merge/"
    assert client.get(url).status_code == 200
    for bad in ({}, {"into": "abc"}, {"into": dup.pk}, {"into": 999999}):
        response = client.post(url, bad)
        assert response.status_code == 200
        assert "Choose the priority to merge it into" in response.content.decode()
    assert Priority.objects.get(pk=dup.pk).merged_into_id is None
    assert client.post(url, {"into": keep.pk}).status_code == 302
    assert Priority.objects.get(pk=dup.pk).merged_into_id == keep.pk
    with pytest.raises(ServiceError, match="already been merged"):
        services.priority_merge(actor=place.organiser, priority=dup, into=keep)


def test_nothing_changes_after_voting_closes(place: Place) -> None:
    exercise = open_exercise(place)
    keep, dup = published(exercise, place.resident, "Trees", "More trees")
    set_phase(exercise, Phase.RESULTS)
    with pytest.raises(ServiceError, match="Voting has closed"):
        services.priority_merge(actor=place.organiser, priority=dup, into=keep)
    with pytest.raises(ServiceError, match="Voting has closed"):
        services.priority_moderate(actor=place.organiser, priority=dup, publish=False)
