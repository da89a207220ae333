"""Writes for priority setting: opening an exercise, moving its phase on, suggestions and their
moderation and merging, ballots online and on paper, and starting an initiative from a result.

Each function checks its permission (rules.py) with `require` first, checks what the phase
allows (a `ServiceError` written for the person), works in one transaction and writes the
audit log. Every audit entry carries `{"exercise": pk}` in its data, so the exercise's audit
page finds them all with one query.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.initiatives.services.lifecycle import initiative_create
from grassroots.places.models import Ward
from grassroots.priorities.models import (
    AgeBand,
    Ballot,
    BallotChoice,
    Exercise,
    Method,
    Participation,
    Phase,
    Priority,
    Status,
    Support,
)

MAX_QUESTION = 200
MAX_TITLE = 120
MAX_DETAIL = 2000
MAX_DESCRIPTION = 5000
MAX_DOTS = 20


def _audit(
    actor: Actor, action: str, obj: Any, exercise: Exercise, summary: str, **data: Any
) -> None:
    audit_record(
        actor=actor,
        action=f"priorities.{action}",
        obj=obj,
        summary=summary,
        data={"exercise": exercise.pk, **data},
    )


# --- Exercises ----------------------------------------------------------------------------------


def allowed_wards(actor: Actor, host: Group | Ward) -> list[Ward]:
    """The wards an exercise opened for `host` may cover: a group's wards (every current ward
    of its council when it has none); for a councillor, the wards they represent today."""
    if isinstance(host, Group):
        wards = list(host.wards.filter(retired_at__isnull=True))
        return wards or list(Ward.objects.current().filter(council_id=host.council_id))
    represented = represented_ward_ids(actor)
    if host.pk not in represented:  # a site admin opening for a ward: that ward alone
        return [host]
    return list(Ward.objects.current().filter(pk__in=represented, council_id=host.council_id))


def exercise_open(
    *,
    actor: Actor,
    host: Group | Ward,
    question: str,
    description: str = "",
    wards: Sequence[Ward],
    suggest_opens: datetime.datetime,
    suggest_closes: datetime.datetime,
    vote_closes: datetime.datetime,
    method: str,
    dots: int = 5,
    participation: str = Participation.RESIDENTS,
) -> Exercise:
    """Open a priority exercise for a group or, as a councillor, for a ward."""
    require(actor, "priorities.open_exercise", host)
    question = clean_text(
        question,
        max_length=MAX_QUESTION,
        empty=_("Enter the question"),
        too_long=_("The question must be 200 characters or fewer"),
    )
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(_("The description must be 5,000 characters or fewer"))
    if not wards:
        raise ServiceError(_("Choose at least one ward"))
    allowed = {w.pk for w in allowed_wards(actor, host)}
    if any(w.pk not in allowed for w in wards):
        raise ServiceError(_("Choose wards from the list"))
    if not suggest_opens <= suggest_closes <= vote_closes:
        raise ServiceError(
            _("The dates must be in order: suggestions open, then voting opens, then voting closes")
        )
    if method not in Method.values:
        raise ServiceError(_("Choose how people vote"))
    if participation not in Participation.values:
        raise ServiceError(_("Choose who may take part"))
    if method == Method.DOTS and not 1 <= dots <= MAX_DOTS:
        raise ServiceError(_("Give each voter between 1 and 20 dots"))
    is_group = isinstance(host, Group)
    with transaction.atomic():
        exercise = Exercise.objects.create(
            council_id=host.council_id,
            question=question,
            description=description,
            group=host if isinstance(host, Group) else None,
            organiser=None if is_group else actor,
            organiser_ward=host if isinstance(host, Ward) else None,
            suggest_opens=suggest_opens,
            suggest_closes=suggest_closes,
            vote_closes=vote_closes,
            method=method,
            dots=dots if method == Method.DOTS else 1,
            participation=participation,
            created_by=actor,
        )
        exercise.wards.set(wards)
        _audit(actor, "exercise_open", exercise, exercise, f"Opened “{question}”")
    return exercise


def exercise_advance(*, actor: Actor, exercise: Exercise) -> Exercise:
    """Move the exercise on to its next phase now (its date for that step becomes now)."""
    require(actor, "priorities.manage", exercise)
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
        now = timezone.now()
        phase = exercise.phase_at(now)
        if phase == Phase.RESULTS:
            raise ServiceError(_("Voting has already closed"))
        if phase == Phase.DRAFT:
            exercise.suggest_opens = now
        elif phase == Phase.SUGGEST:
            exercise.suggest_closes = now
        else:
            exercise.vote_closes = now
        exercise.save(
            update_fields=["suggest_opens", "suggest_closes", "vote_closes", "updated_at"]
        )
        new = exercise.phase_at(now)
        _audit(actor, "exercise_advance", exercise, exercise, f"Moved on from {phase} to {new}")
    return exercise


def _phase_is(exercise: Exercise, phase: Phase, message: str) -> None:
    if exercise.phase != phase:
        raise ServiceError(message)


# --- Suggestions ------------------------------------------------------------------------------


def priority_suggest(*, actor: Actor, exercise: Exercise, title: str, detail: str = "") -> Priority:
    """Suggest a priority; the organisers publish it. Its author is its first supporter."""
    require(actor, "priorities.take_part", exercise)
    _phase_is(exercise, Phase.SUGGEST, _("Suggestions are closed for this exercise"))
    title = clean_text(
        title,
        max_length=MAX_TITLE,
        empty=_("Enter your suggestion"),
        too_long=_("Your suggestion must be 120 characters or fewer"),
    )
    detail = (detail or "").strip()
    if len(detail) > MAX_DETAIL:
        raise ServiceError(_("The detail must be 2,000 characters or fewer"))
    with transaction.atomic():
        priority = Priority.objects.create(
            exercise=exercise, title=title, detail=detail, author=actor
        )
        Support.objects.create(priority=priority, user=actor)
        _audit(actor, "suggest", priority, exercise, f"Suggested “{title}”")
    return priority


def priority_support(*, actor: Actor, priority: Priority) -> Support:
    """Say "me too" to a published suggestion while suggestions are open."""
    exercise = priority.exercise
    require(actor, "priorities.take_part", exercise)
    _phase_is(exercise, Phase.SUGGEST, _("Suggestions are closed for this exercise"))
    if not priority.on_ballot:
        raise ServiceError(_("This suggestion is not published"))
    with transaction.atomic():
        support, created = Support.objects.get_or_create(priority=priority, user=actor)
        if not created:
            raise ServiceError(_("You already support this suggestion"))
        _audit(actor, "support", priority, exercise, f"Supported “{priority.title}”")
    return support


def priority_moderate(*, actor: Actor, priority: Priority, publish: bool) -> Priority:
    """Publish a suggestion (it goes on the ballot) or reject it."""
    exercise = priority.exercise
    require(actor, "priorities.moderate", exercise)
    if exercise.phase == Phase.RESULTS:
        raise ServiceError(_("Voting has closed: the suggestions can no longer change"))
    if priority.merged_into_id is not None:
        raise ServiceError(_("This suggestion has been merged into another"))
    status = Status.PUBLISHED if publish else Status.REJECTED
    with transaction.atomic():
        if not publish and BallotChoice.objects.filter(priority=priority).exists():
            raise ServiceError(
                _("People have voted for this priority: merge it into another instead")
            )
        old = priority.status
        Priority.objects.filter(pk=priority.pk).update(
            status=status, moderated_by=actor, moderated_at=timezone.now()
        )
        priority.status = status
        _audit(
            actor,
            "moderate",
            priority,
            exercise,
            f"{'Published' if publish else 'Rejected'} “{priority.title}”",
            before=old,
            after=status,
        )
    return priority


def priority_merge(*, actor: Actor, priority: Priority, into: Priority) -> Priority:
    """Merge a near-duplicate into another priority: the other keeps everyone who supported
    either, and dots or ticks on the duplicate move across."""
    exercise = priority.exercise
    require(actor, "priorities.manage", exercise)
    if exercise.phase == Phase.RESULTS:
        raise ServiceError(_("Voting has closed: the suggestions can no longer change"))
    if into.exercise_id != priority.exercise_id or into.pk == priority.pk:
        raise ServiceError(_("Choose another priority of this exercise"))
    with transaction.atomic():
        # Read both again under a lock: a second merge from a page opened earlier must see
        # the first one.
        locked = {
            p.pk: p
            for p in Priority.objects.select_for_update().filter(pk__in=[priority.pk, into.pk])
        }
        if locked[priority.pk].merged_into_id is not None:
            raise ServiceError(_("This suggestion has already been merged"))
        if not locked[into.pk].on_ballot:
            raise ServiceError(_("Choose a published priority to merge into"))
        have = set(Support.objects.filter(priority=into).values_list("user_id", flat=True))
        moving = Support.objects.filter(priority=priority).exclude(user_id__in=have)
        new_supporters = list(moving.values_list("user_id", flat=True))
        Support.objects.bulk_create(Support(priority=into, user_id=u) for u in new_supporters)
        moved = 0
        for choice in BallotChoice.objects.filter(priority=priority).select_for_update():
            existing = BallotChoice.objects.filter(ballot_id=choice.ballot_id, priority=into)
            if existing.exists():
                if exercise.method == Method.DOTS:
                    existing.update(dots=F("dots") + choice.dots)
                choice.delete()  # an approval ballot ticks a priority once
            else:
                choice.priority = into
                choice.save(update_fields=["priority"])
            moved += 1
        Priority.objects.filter(pk=priority.pk).update(
            merged_into=into, moderated_by=actor, moderated_at=timezone.now()
        )
        priority.merged_into = into
        _audit(
            actor,
            "merge",
            priority,
            exercise,
            f"Merged “{priority.title}” into “{into.title}”",
            into=into.pk,
            supporters_added=len(new_supporters),
            ballots_moved=moved,
        )
    return priority


# --- Ballots --------------------------------------------------------------------------------------


def _checked_choices(exercise: Exercise, choices: Mapping[int, int]) -> dict[int, int]:
    """The choices of one ballot as {priority id: dots}, or a `ServiceError` saying what is
    wrong: only priorities on the ballot; dot voting shares at most the exercise's dots;
    approval ticks each priority once."""
    on_ballot = set(
        Priority.objects.filter(
            exercise=exercise, status=Status.PUBLISHED, merged_into__isnull=True
        ).values_list("pk", flat=True)
    )
    kept: dict[int, int] = {}
    for pk, dots in choices.items():
        if pk not in on_ballot:
            raise ServiceError(_("Choose from the priorities on the ballot"))
        if dots < 0:
            raise ServiceError(_("The number of dots cannot be less than 0"))
        if exercise.method == Method.APPROVAL and dots > 1:
            raise ServiceError(_("Tick each priority at most once"))
        if dots:
            kept[pk] = dots
    if not kept:
        raise ServiceError(_("Choose at least one priority"))
    if exercise.method == Method.DOTS and sum(kept.values()) > exercise.dots:
        raise ServiceError(
            _("You have %(n)s dots to share out: you used %(used)s")
            % {"n": exercise.dots, "used": sum(kept.values())}
        )
    return kept


def _check_age_band(age_band: str) -> str:
    if age_band and age_band not in AgeBand.values:
        raise ServiceError(_("Choose an age from the list"))
    return age_band


def _write_choices(ballot: Ballot, kept: dict[int, int]) -> None:
    BallotChoice.objects.filter(ballot=ballot).delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, priority_id=pk, dots=dots) for pk, dots in kept.items()
    )


def ballot_cast(
    *, actor: Actor, exercise: Exercise, choices: Mapping[int, int], age_band: str = ""
) -> Ballot:
    """Cast or change one's own ballot; it can be changed until voting closes."""
    require(actor, "priorities.take_part", exercise)
    _phase_is(exercise, Phase.VOTE, _("Voting is not open for this exercise"))
    kept = _checked_choices(exercise, choices)
    age_band = _check_age_band(age_band)
    for attempt in range(2):
        try:
            with transaction.atomic():
                ballot = (
                    Ballot.objects.select_for_update()
                    .filter(exercise=exercise, voter=actor)
                    .first()
                )
                changed = ballot is not None
                if ballot is None:
                    ballot = Ballot.objects.create(
                        exercise=exercise,
                        voter=actor,
                        entered_by=actor,
                        ward_id=actor.ward_id,
                        age_band=age_band,
                    )
                else:
                    ballot.ward_id = actor.ward_id
                    ballot.age_band = age_band
                    ballot.save(update_fields=["ward", "age_band", "updated_at"])
                _write_choices(ballot, kept)
                _audit(
                    actor,
                    "ballot_change" if changed else "ballot_cast",
                    ballot,
                    exercise,
                    "Changed their ballot" if changed else "Cast a ballot online",
                )
            return ballot
        except IntegrityError:
            # Two tabs cast a first ballot at once: the other one won; change it instead.
            if attempt:
                raise
    raise AssertionError("unreachable")


def paper_ballot_enter(
    *,
    actor: Actor,
    exercise: Exercise,
    choices: Mapping[int, int],
    ward: Ward | None = None,
    age_band: str = "",
) -> Ballot:
    """An organiser enters a ballot filled in on paper (recorded as paper, by whom, when)."""
    require(actor, "priorities.manage", exercise)
    _phase_is(exercise, Phase.VOTE, _("Paper ballots can only be entered while voting is open"))
    kept = _checked_choices(exercise, choices)
    age_band = _check_age_band(age_band)
    if ward is not None and ward.pk not in set(exercise.wards.values_list("pk", flat=True)):
        raise ServiceError(_("Choose a ward of this exercise"))
    with transaction.atomic():
        ballot = Ballot.objects.create(
            exercise=exercise,
            voter=None,
            is_paper=True,
            entered_by=actor,
            ward=ward,
            age_band=age_band,
        )
        _write_choices(ballot, kept)
        _audit(
            actor,
            "paper_ballot",
            ballot,
            exercise,
            f"Entered paper ballot {ballot.pk}",
            choices={str(k): v for k, v in kept.items()},
        )
    return ballot


# --- From a result to an initiative -------------------------------------------------------------


def priority_start_initiative(*, actor: Actor, priority: Priority, **fields: Any) -> Initiative:
    """Start an initiative (the initiatives app's own service) from a priority of the results,
    and remember that it came from there."""
    require(actor, "priorities.start_initiative", priority)
    with transaction.atomic():
        locked = Priority.objects.select_for_update().get(pk=priority.pk)
        if locked.initiative_id is not None:
            raise ServiceError(_("An initiative has already been started from this priority"))
        initiative = initiative_create(creator=actor, **fields)
        Priority.objects.filter(pk=priority.pk).update(initiative=initiative)
        priority.initiative = initiative
        _audit(
            actor,
            "start_initiative",
            priority,
            priority.exercise,
            f"Started initiative {initiative.pk} from “{priority.title}”",
            initiative=initiative.pk,
        )
    return initiative
