"""Who may do each thing with an opinion map, and that a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.opinions import services
from grassroots.opinions.models import (
    Audience,
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from grassroots.opinions.tests.factories import Place, start_map, statements

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor", "host", "allowed"),
    [
        ("organiser", "group", True),
        ("resident", "group", False),
        ("councillor", "group", False),
        ("moderator", "group", False),
        ("site_admin", "group", True),
        ("councillor", "ward_a", True),
        ("officer", "ward_a", True),
        ("other_officer", "ward_a", False),
        ("other_councillor", "ward_a", False),
        ("resident", "ward_a", False),
        ("moderator", "ward_a", False),
        ("site_admin", "ward_a", True),
    ],
)
def test_who_may_start_a_map(place: Place, actor: str, host: str, allowed: bool) -> None:
    def start() -> OpinionMap:
        return services.map_create(
            actor=getattr(place, actor),
            host=getattr(place, host),
            question="What next?",
            seeds=["One", "Two"],
        )

    if allowed:
        opinion_map = start()
        assert [s.status for s in statements(opinion_map)] == [StatementStatus.PUBLISHED] * 2
        assert AuditEntry.objects.filter(action="opinions.map_create").count() == 1
    else:
        with pytest.raises(PermissionDenied):
            start()
        assert not OpinionMap.objects.exists()
        assert not AuditEntry.objects.filter(action="opinions.map_create").exists()


def test_an_archived_group_hosts_no_new_map(place: Place) -> None:
    place.group.archived_at = timezone.now()
    place.group.save()
    with pytest.raises(PermissionDenied):
        start_map(place)
    assert not OpinionMap.objects.exists()


@pytest.mark.parametrize(
    ("actor", "on_ward", "allowed"),
    [
        ("organiser", False, True),
        ("resident", False, False),
        ("moderator", False, False),
        ("councillor", True, True),
        ("officer", True, True),
        ("other_councillor", True, False),
        ("resident", True, False),
    ],
)
def test_who_may_seed_and_close(place: Place, actor: str, on_ward: bool, allowed: bool) -> None:
    opinion_map = start_map(place, on_ward=on_ward)
    user = getattr(place, actor)
    if allowed:
        services.statement_seed(actor=user, opinion_map=opinion_map, texts=["Trams"])
        services.map_close(actor=user, opinion_map=opinion_map)
        assert OpinionMap.objects.get(pk=opinion_map.pk).closed_at is not None
        services.map_reopen(actor=user, opinion_map=opinion_map)
        assert OpinionMap.objects.get(pk=opinion_map.pk).closed_at is None
        assert len(statements(opinion_map)) == 4
    else:
        with pytest.raises(PermissionDenied):
            services.statement_seed(actor=user, opinion_map=opinion_map, texts=["Trams"])
        with pytest.raises(PermissionDenied):
            services.map_close(actor=user, opinion_map=opinion_map)
        assert len(statements(opinion_map)) == 3
        assert OpinionMap.objects.get(pk=opinion_map.pk).closed_at is None


@pytest.mark.parametrize(
    ("actor", "audience", "allowed"),
    [
        ("resident", Audience.EVERYONE, True),
        ("outsider", Audience.EVERYONE, True),
        ("resident", Audience.AREA, True),
        ("resident_b", Audience.AREA, True),
        ("outsider", Audience.AREA, False),
        ("councillor", Audience.AREA, False),
    ],
)
def test_who_may_vote_and_add(place: Place, actor: str, audience: str, allowed: bool) -> None:
    opinion_map = start_map(place, audience=audience)
    user = getattr(place, actor)
    first = statements(opinion_map)[0]
    if allowed:
        services.vote_cast(actor=user, opinion_map=opinion_map, statement_id=first.pk, choice=1)
        services.statement_add(actor=user, opinion_map=opinion_map, text="Cycle lanes")
        assert Vote.objects.count() == 1
        assert Statement.objects.filter(status=StatementStatus.PENDING).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.vote_cast(actor=user, opinion_map=opinion_map, statement_id=first.pk, choice=1)
        with pytest.raises(PermissionDenied):
            services.statement_add(actor=user, opinion_map=opinion_map, text="Cycle lanes")
        assert not Vote.objects.exists()
        assert not Participant.objects.exists()
        assert len(statements(opinion_map)) == 3


def test_area_on_a_ward_map_is_that_ward_only(place: Place) -> None:
    opinion_map = start_map(place, on_ward=True, audience=Audience.AREA)
    first = statements(opinion_map)[0]
    services.vote_cast(
        actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=0
    )
    with pytest.raises(PermissionDenied):
        services.vote_cast(
            actor=place.resident_b, opinion_map=opinion_map, statement_id=first.pk, choice=0
        )
    assert Vote.objects.count() == 1


def test_no_statements_when_the_host_says_so(place: Place) -> None:
    opinion_map = start_map(place, allow_statements=False)
    with pytest.raises(PermissionDenied):
        services.statement_add(actor=place.resident, opinion_map=opinion_map, text="Trams")
    assert len(statements(opinion_map)) == 3


def test_closed_and_hidden_maps_take_no_votes(place: Place) -> None:
    opinion_map = start_map(place)
    first = statements(opinion_map)[0]
    services.map_close(actor=place.organiser, opinion_map=opinion_map)
    with pytest.raises(PermissionDenied):
        services.vote_cast(
            actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=1
        )
    services.map_reopen(actor=place.organiser, opinion_map=opinion_map)
    opinion_map.hidden_at = timezone.now()
    opinion_map.save()
    with pytest.raises(PermissionDenied):
        services.vote_cast(
            actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=1
        )
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("organiser", True), ("moderator", True), ("site_admin", True), ("resident", False)],
)
def test_who_may_moderate(place: Place, actor: str, allowed: bool) -> None:
    opinion_map = start_map(place)
    pending = services.statement_add(
        actor=place.resident_b, opinion_map=opinion_map, text="Cycle lanes"
    )
    user = getattr(place, actor)
    if allowed:
        services.statement_moderate(actor=user, statement=pending, publish=True)
        assert Statement.objects.get(pk=pending.pk).status == StatementStatus.PUBLISHED
    else:
        with pytest.raises(PermissionDenied):
            services.statement_moderate(actor=user, statement=pending, publish=True)
        assert Statement.objects.get(pk=pending.pk).status == StatementStatus.PENDING


def test_rejecting_needs_a_reason_and_tells_the_author(place: Place) -> None:
    opinion_map = start_map(place)
    pending = services.statement_add(
        actor=place.resident_b, opinion_map=opinion_map, text="Cycle lanes"
    )
    with pytest.raises(ServiceError):
        services.statement_moderate(actor=place.organiser, statement=pending, publish=False)
    assert Statement.objects.get(pk=pending.pk).status == StatementStatus.PENDING
    services.statement_moderate(
        actor=place.organiser, statement=pending, publish=False, reason="Already there"
    )
    rejected = Statement.objects.get(pk=pending.pk)
    assert rejected.status == StatementStatus.REJECTED
    assert rejected.rejection_reason == "Already there"
    assert rejected.moderated_by == place.organiser
    with pytest.raises(ServiceError, match="already been dealt with"):
        services.statement_moderate(actor=place.organiser, statement=rejected, publish=True)


def test_one_vote_per_statement_in_the_database(place: Place) -> None:
    opinion_map = start_map(place)
    first = statements(opinion_map)[0]
    vote = services.vote_cast(
        actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            participant=vote.participant, statement=first, map=opinion_map, choice=-1
        )
    with pytest.raises(ServiceError, match="already answered"):
        services.vote_cast(
            actor=place.resident, opinion_map=opinion_map, statement_id=first.pk, choice=-1
        )
    assert list(Vote.objects.values_list("choice", flat=True)) == [1]
    assert Participant.objects.count() == 1


@pytest.mark.parametrize("problem", ["pending", "other_map", "missing", "choice"])
def test_bad_votes_change_nothing(place: Place, problem: str) -> None:
    opinion_map = start_map(place)
    other = start_map(place, on_ward=True)
    pending = services.statement_add(actor=place.resident_b, opinion_map=opinion_map, text="Hmm")
    statement_id, choice = {
        "pending": (pending.pk, 1),
        "other_map": (statements(other)[0].pk, 1),
        "missing": (999_999, 1),
        "choice": (statements(opinion_map)[0].pk, 2),
    }[problem]
    with pytest.raises(ServiceError):
        services.vote_cast(
            actor=place.resident, opinion_map=opinion_map, statement_id=statement_id, choice=choice
        )
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a"),
        ("x" * 141, "140 characters or fewer"),
        ("bad\x07bell", "control characters"),
        ("more BUSES", "already has the statement"),
    ],
)
def test_bad_statements_change_nothing(place: Place, text: str, message: str) -> None:
    opinion_map = start_map(place)
    with pytest.raises(ServiceError, match=message):
        services.statement_add(actor=place.resident, opinion_map=opinion_map, text=text)
    with pytest.raises(ServiceError, match=message):
        services.statement_seed(actor=place.organiser, opinion_map=opinion_map, texts=[text])
    assert len(statements(opinion_map)) == 3
