"""Who may do each thing in priority setting, and that a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.groups.models import GroupMembership
from grassroots.places.models import CouncillorTerm
from grassroots.priorities import services
from grassroots.priorities.models import (
    Ballot,
    Exercise,
    Method,
    Participation,
    Phase,
    Priority,
    Status,
)
from grassroots.priorities.tests.factories import DAY, Place, open_exercise, published, set_phase
from grassroots.testing.people import make_councillor

pytestmark = pytest.mark.django_db


def _open(place: Place, actor_name: str, host_name: str) -> None:
    actor = getattr(place, actor_name)
    host = getattr(place, host_name)
    now = timezone.now()
    services.exercise_open(
        actor=actor,
        host=host,
        question="What next?",
        wards=[place.ward_a],
        suggest_opens=now,
        suggest_closes=now + DAY,
        vote_closes=now + 2 * DAY,
        method=Method.APPROVAL,
    )


@pytest.mark.parametrize(
    ("actor", "host", "allowed"),
    [
        ("organiser", "group", True),
        ("resident", "group", False),
        ("councillor", "group", False),
        ("site_admin", "group", True),
        ("councillor", "ward_a", True),
        ("other_councillor", "ward_a", False),
        ("resident", "ward_a", False),
        ("moderator", "ward_a", False),
        ("site_admin", "ward_a", True),
    ],
)
def test_who_may_open_an_exercise(place: Place, actor: str, host: str, allowed: bool) -> None:
    if allowed:
        _open(place, actor, host)
        assert Exercise.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            _open(place, actor, host)
        assert Exercise.objects.count() == 0


def test_a_councillor_without_two_factor_may_not_open_one(place: Place) -> None:
    plain = make_councillor(place.ward_b, totp=False)
    with pytest.raises(PermissionDenied):
        services.exercise_open(
            actor=plain,
            host=place.ward_b,
            question="Q?",
            wards=[place.ward_b],
            suggest_opens=timezone.now(),
            suggest_closes=timezone.now(),
            vote_closes=timezone.now(),
            method=Method.APPROVAL,
        )


def test_a_group_exercise_is_limited_to_the_groups_wards(place: Place) -> None:
    with pytest.raises(ServiceError, match="wards from the list"):
        services.exercise_open(
            actor=place.organiser,
            host=place.group,
            question="Q?",
            wards=[place.ward_c],
            suggest_opens=timezone.now(),
            suggest_closes=timezone.now(),
            vote_closes=timezone.now(),
            method=Method.APPROVAL,
        )
    assert not Exercise.objects.exists()


def test_an_archived_group_opens_nothing(place: Place) -> None:
    place.group.archived_at = timezone.now()
    place.group.save()
    with pytest.raises(PermissionDenied):
        _open(place, "organiser", "group")


MANAGERS = ["organiser", "site_admin"]
NOT_MANAGERS = ["resident", "outsider", "councillor", "moderator"]


@pytest.mark.parametrize("who", MANAGERS + NOT_MANAGERS)
def test_who_may_move_the_phase_on(place: Place, who: str) -> None:
    exercise = open_exercise(place)
    closes = exercise.suggest_closes
    actor = getattr(place, who)
    if who in MANAGERS:
        services.exercise_advance(actor=actor, exercise=exercise)
        exercise.refresh_from_db()
        assert exercise.phase == Phase.VOTE
    else:
        with pytest.raises(PermissionDenied):
            services.exercise_advance(actor=actor, exercise=exercise)
        exercise.refresh_from_db()
        assert exercise.suggest_closes == closes


def test_a_councillor_runs_their_own_exercise_only_while_in_office(place: Place) -> None:
    exercise = open_exercise(place, by_councillor=True)
    assert place.councillor.has_perm("priorities.manage", exercise)
    assert not place.other_councillor.has_perm("priorities.manage", exercise)
    assert not place.organiser.has_perm("priorities.manage", exercise)
    CouncillorTerm.objects.filter(councillor__user=place.councillor).update(
        ends_on=timezone.localdate() - DAY
    )
    fresh = Exercise.objects.get(pk=exercise.pk)
    assert not place.councillor.has_perm("priorities.manage", fresh)


def test_a_former_organiser_of_the_group_runs_nothing(place: Place) -> None:
    exercise = open_exercise(place)
    GroupMembership.objects.filter(group=place.group, user=place.organiser).update(status="left")
    with pytest.raises(PermissionDenied):
        services.exercise_advance(actor=place.organiser, exercise=exercise)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("organiser", True), ("moderator", True), ("site_admin", True), ("resident", False)],
)
def test_who_may_moderate(place: Place, who: str, allowed: bool) -> None:
    exercise = open_exercise(place)
    suggestion = services.priority_suggest(actor=place.resident, exercise=exercise, title="Trees")
    actor = getattr(place, who)
    if allowed:
        services.priority_moderate(actor=actor, priority=suggestion, publish=True)
        assert Priority.objects.get(pk=suggestion.pk).status == Status.PUBLISHED
    else:
        with pytest.raises(PermissionDenied):
            services.priority_moderate(actor=actor, priority=suggestion, publish=True)
        assert Priority.objects.get(pk=suggestion.pk).status == Status.PENDING


@pytest.mark.parametrize("who", ["moderator", "resident", "councillor"])
def test_moderators_may_not_merge_or_enter_paper_ballots(place: Place, who: str) -> None:
    exercise = open_exercise(place)
    a, b = published(exercise, place.resident, "Trees", "More trees")
    set_phase(exercise, Phase.VOTE)
    actor = getattr(place, who)
    with pytest.raises(PermissionDenied):
        services.priority_merge(actor=actor, priority=a, into=b)
    with pytest.raises(PermissionDenied):
        services.paper_ballot_enter(actor=actor, exercise=exercise, choices={a.pk: 1})
    assert Priority.objects.get(pk=a.pk).merged_into_id is None
    assert not Ballot.objects.exists()


def test_residents_only_keeps_out_people_from_elsewhere(place: Place) -> None:
    exercise = open_exercise(place)
    services.priority_suggest(actor=place.resident_b, exercise=exercise, title="A bus shelter")
    with pytest.raises(PermissionDenied):
        services.priority_suggest(actor=place.outsider, exercise=exercise, title="Not my area")
    assert Priority.objects.count() == 1


def test_anyone_signed_in_when_the_organisers_say_so(place: Place) -> None:
    exercise = open_exercise(place, participation=Participation.ANYONE)
    services.priority_suggest(actor=place.outsider, exercise=exercise, title="Visiting is nice")
    assert Priority.objects.count() == 1


def test_pages_refuse_strangers_and_change_nothing(place: Place, client: Client) -> None:
    exercise = open_exercise(place)
    (p,) = published(exercise, place.resident, "Trees")
    client.force_login(place.outsider)
    for url in ("moderate/", "paper/", "move-on/", "audit/"):
        assert client.get(f"/priorities/{exercise.pk}/{url}").status_code == 403
    before = AuditEntry.objects.count()
    assert client.post(f"/priorities/{exercise.pk}/move-on/").status_code == 403
    assert (
        client.post(
            f"/priorities/{exercise.pk}/moderate/", {"priority": p.pk, "decision": "reject"}
        ).status_code
        == 403
    )
    assert client.post(f"/priorities/{exercise.pk}/suggest/", {"title": "x"}).status_code == 403
    assert client.post(f"/priorities/{exercise.pk}/suggestions/{p.pk}/support/").status_code == 403
    assert client.get(f"/priorities/{exercise.pk}/results/").status_code == 403
    assert AuditEntry.objects.count() == before
    assert Priority.objects.get(pk=p.pk).status == Status.PUBLISHED


def test_drafts_are_hidden_from_everybody_but_their_organisers(
    place: Place, client: Client
) -> None:
    exercise = open_exercise(place, phase=Phase.DRAFT)
    assert client.get(exercise.get_absolute_url()).status_code == 404
    client.force_login(place.resident)
    assert client.get(exercise.get_absolute_url()).status_code == 404
    assert client.get(f"/priorities/{exercise.pk}/suggest/").status_code == 404
    client.force_login(place.organiser)
    assert client.get(exercise.get_absolute_url()).status_code == 200
