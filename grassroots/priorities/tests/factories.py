"""A small place for priority-setting tests: a council with two wards in the area and one
outside, a group that runs an exercise, the people around it. Exercises are opened through the
services; `set_phase` moves the dates (test set-up only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.models import Council, Ward
from grassroots.places.tests.factories import CouncilFactory, WardFactory
from grassroots.priorities import services
from grassroots.priorities.models import Exercise, Method, Participation, Phase, Priority
from grassroots.testing.people import (
    make_councillor,
    make_moderator,
    make_resident,
    make_site_admin,
)

DAY = datetime.timedelta(days=1)


@dataclass
class Place:
    council: Council
    ward_a: Ward
    ward_b: Ward
    ward_c: Ward
    group: Group
    organiser: User
    resident: User
    resident_b: User
    outsider: User
    councillor: User
    other_councillor: User
    moderator: User
    site_admin: User


def build_place() -> Place:
    council = CouncilFactory()
    ward_a, ward_b, ward_c = (
        WardFactory(council=council, name=n) for n in ("Ash", "Birch", "Cedar")
    )
    organiser = make_resident(ward=ward_a, name="Olive Organiser")
    group = GroupFactory(council=council, created_by=organiser, name="Riverside Residents")
    group.wards.set([ward_a, ward_b])
    return Place(
        council=council,
        ward_a=ward_a,
        ward_b=ward_b,
        ward_c=ward_c,
        group=group,
        organiser=organiser,
        resident=make_resident(ward=ward_a, name="Rita Resident"),
        resident_b=make_resident(ward=ward_b, name="Bob Birch"),
        outsider=make_resident(ward=ward_c, name="Otto Outsider"),
        councillor=make_councillor(ward_a, name="Alex Ash"),
        other_councillor=make_councillor(ward_c, name="Cara Cedar"),
        moderator=make_moderator(name="Mo Moderator"),
        site_admin=make_site_admin(),
    )


def open_exercise(
    place: Place,
    *,
    method: str = Method.DOTS,
    dots: int = 5,
    participation: str = Participation.RESIDENTS,
    phase: Phase = Phase.SUGGEST,
    by_councillor: bool = False,
) -> Exercise:
    now = timezone.now()
    exercise = services.exercise_open(
        actor=place.councillor if by_councillor else place.organiser,
        host=place.ward_a if by_councillor else place.group,
        question="What would make Riverside an even better place to live?",
        wards=[place.ward_a] if by_councillor else [place.ward_a, place.ward_b],
        suggest_opens=now - DAY,
        suggest_closes=now + DAY,
        vote_closes=now + 2 * DAY,
        method=method,
        dots=dots,
        participation=participation,
    )
    set_phase(exercise, phase)
    return exercise


def set_phase(exercise: Exercise, phase: Phase) -> Exercise:
    now = timezone.now()
    offsets = {
        Phase.DRAFT: (1, 2, 3),
        Phase.SUGGEST: (-1, 1, 2),
        Phase.VOTE: (-2, -1, 1),
        Phase.RESULTS: (-3, -2, -1),
    }[phase]
    opens, closes, results = (now + n * DAY for n in offsets)
    Exercise.objects.filter(pk=exercise.pk).update(
        suggest_opens=opens, suggest_closes=closes, vote_closes=results
    )
    exercise.refresh_from_db()
    return exercise


def published(exercise: Exercise, author: User, *titles: str) -> list[Priority]:
    """Priorities on the ballot, suggested by `author` and published by the organisers."""
    moved = exercise.phase != Phase.SUGGEST
    phase = exercise.phase
    if moved:
        set_phase(exercise, Phase.SUGGEST)
    made = []
    for title in titles:
        p = services.priority_suggest(actor=author, exercise=exercise, title=title)
        moderator = exercise.group.created_by if exercise.group else exercise.organiser
        assert moderator is not None
        services.priority_moderate(actor=moderator, priority=p, publish=True)
        p.refresh_from_db()
        made.append(p)
    if moved:
        set_phase(exercise, phase)
    return made
