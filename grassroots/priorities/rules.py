"""Who may do what in priority setting (rules predicates; see tests/test_rules_priorities.py).

- `priorities.open_exercise`, with a group or a ward as the object: an active organiser of a
  group that is not archived (for the group's wards), a councillor (with two-factor set up)
  for a ward they represent today, and site admins.
- `priorities.manage`, with an exercise: the organiser side. The organisers of its group, or
  the councillor who opened it while they still represent its ward; site admins. They publish
  and reject suggestions, merge near-duplicates, enter paper ballots, move a phase on early
  and see the results and the audit log at any time.
- `priorities.moderate`: the organiser side and the site's moderators.
- `priorities.take_part`: suggest, say "me too" and vote. Anyone signed in who can see the
  exercise, or only residents of its wards when the organisers say so. Which of these the
  current phase allows is the services' check (`ServiceError` says why not).
- `priorities.see_results`: everyone who can see the exercise once voting has closed; the
  organiser side at any time.
- `priorities.start_initiative`, with a priority: anyone signed in, from a published priority
  of an exercise whose results are out, once (the link to the initiative is kept).
"""

from __future__ import annotations

from typing import TypeGuard

import rules

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_councillor, is_moderator, is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.groups.models import Group
from grassroots.groups.selectors import is_organiser
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.places.models import Ward
from grassroots.priorities.models import Exercise, Participation, Phase, Priority
from grassroots.priorities.visibility import can_view


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def exercise_ward_ids(exercise: Exercise) -> frozenset[int]:
    prefetched = getattr(exercise, "_prefetched_objects_cache", {}).get("wards")
    if prefetched is not None:
        return frozenset(w.pk for w in prefetched)
    return cached(
        ("priorities.ward_ids", exercise.pk),
        lambda: frozenset(exercise.wards.values_list("pk", flat=True)),
    )


def _exercise_of(obj: object) -> Exercise | None:
    if isinstance(obj, Exercise):
        return obj
    if isinstance(obj, Priority):
        return obj.exercise
    return None


@rules.predicate
def may_open_for(user: Viewer, target: Group | Ward | None) -> bool:
    if not _signed_in(user):
        return False
    if isinstance(target, Group):
        return target.archived_at is None and (is_organiser(user, target) or is_site_admin(user))
    if isinstance(target, Ward):
        if is_site_admin(user):
            return True
        return bool(is_councillor(user)) and target.pk in represented_ward_ids(user)
    return False


@rules.predicate
def runs(user: Viewer, obj: object) -> bool:
    exercise = _exercise_of(obj)
    if exercise is None or not _signed_in(user):
        return False
    if is_site_admin(user):
        return True
    if exercise.group_id is not None:
        assert exercise.group is not None
        return is_organiser(user, exercise.group)
    return (
        exercise.organiser_id == user.pk
        and bool(is_councillor(user))
        and exercise.organiser_ward_id in represented_ward_ids(user)
    )


@rules.predicate
def sees(user: Viewer, obj: object) -> bool:
    exercise = _exercise_of(obj)
    return exercise is not None and can_view(user, exercise)


@rules.predicate
def eligible(user: Viewer, obj: object) -> bool:
    exercise = _exercise_of(obj)
    if exercise is None or not _signed_in(user):
        return False
    if exercise.participation == Participation.ANYONE:
        return True
    return user.ward_id is not None and user.ward_id in exercise_ward_ids(exercise)


@rules.predicate
def results_out(user: Viewer, obj: object) -> bool:
    exercise = _exercise_of(obj)
    return exercise is not None and exercise.phase == Phase.RESULTS


@rules.predicate
def fresh_published_priority(user: Viewer, priority: Priority | None) -> bool:
    return isinstance(priority, Priority) and priority.on_ballot and priority.initiative_id is None


signed_in = rules.predicate(_signed_in)

rules.add_perm("priorities.open_exercise", may_open_for)
rules.add_perm("priorities.see", sees)
rules.add_perm("priorities.manage", sees & runs)
rules.add_perm("priorities.moderate", sees & (runs | (signed_in & is_moderator)))
rules.add_perm("priorities.take_part", signed_in & sees & eligible)
rules.add_perm("priorities.see_results", sees & (results_out | runs))
rules.add_perm(
    "priorities.start_initiative", signed_in & sees & results_out & fresh_published_priority
)
