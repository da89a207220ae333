"""Demo priority setting in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

Three exercises, one in each phase a visitor can take part in:

- the park group asks what would make the park better: suggestions open, some published, one
  waiting for the organisers (a near-duplicate of a published one, to try merging);
- the demo councillor asks their ward what matters most: voting open (dot voting), with some
  ballots cast;
- the park group's exercise on the borough's green spaces is over: results with a few dozen
  online ballots and a batch of paper ballots from a community event.

Everything goes through the services, as people would do it; a phase is moved on with the
organisers' own "move on now" action. The step starts again from nothing on each run (the
demo's exercises are deleted and made again from the same seed), so a re-run gives the same
content.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.demo.borough import Borough
from grassroots.groups.models import Group
from grassroots.groups.selectors import organiser_ids
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.places.models import Ward
from grassroots.priorities import services
from grassroots.priorities.models import AgeBand, Exercise, Method, Participation, Phase, Priority

DAY = datetime.timedelta(days=1)

PARK_IDEAS = (
    ("Mend the bandstand roof", "It leaks, so the summer concerts stopped."),
    ("More benches along the river path", ""),
    ("Lights on the path to the station", "It is dark by five in winter."),
    ("A water fountain by the play area", ""),
    ("Toilets open all year", ""),
    ("Wildflower meadow by the pond", "Less mowing, more bees."),
)
PARK_WAITING = ("Fix the roof of the bandstand", "A outdoor gym for older people")

WARD_IDEAS = (
    "A safe crossing by the primary school",
    "Slower traffic on the high street",
    "A youth club on Friday evenings",
    "Fewer empty shops",
    "Cleaner streets and more bins",
    "Better bus shelters",
    "A community garden",
)

GREEN_IDEAS = (
    "Plant more street trees",
    "Keep the libraries open on Saturdays",
    "Repair the playground in Eastmoor",
    "More litter picks with the schools",
    "A weekly market in the square",
    "Safer cycling routes to the station",
)


def demo_exercises(borough: Borough) -> list[Exercise]:
    return list(Exercise.objects.filter(council=borough.council))


def _suggest(
    exercise: Exercise,
    organiser: User,
    ideas: Sequence[tuple[str, str]],
    authors: Sequence[User],
    rng: random.Random,
    supporters: Sequence[User],
) -> list[Priority]:
    made = []
    for n, (title, detail) in enumerate(ideas):
        author = authors[n % len(authors)]
        priority = services.priority_suggest(
            actor=author, exercise=exercise, title=title, detail=detail
        )
        services.priority_moderate(actor=organiser, priority=priority, publish=True)
        priority.refresh_from_db()
        for person in rng.sample(list(supporters), k=min(len(supporters), rng.randint(0, 5))):
            if person.pk != author.pk:
                services.priority_support(actor=person, priority=priority)
        made.append(priority)
    return made


def _dots(rng: random.Random, priorities: Sequence[Priority], n: int) -> dict[int, int]:
    """A plausible dot ballot: favourites first, weighted towards the top of the list."""
    weights = [len(priorities) - i for i in range(len(priorities))]
    chosen: dict[int, int] = {}
    for _dot in range(rng.randint(1, n)):
        pick = rng.choices(priorities, weights=weights)[0]
        chosen[pick.pk] = chosen.get(pick.pk, 0) + 1
    return chosen


def _age(rng: random.Random) -> str:
    return rng.choice([*AgeBand.values, "", ""])


def _in(wards: Sequence[Ward], residents: Sequence[User]) -> list[User]:
    ids = {w.pk for w in wards}
    return [r for r in residents if r.ward_id in ids]


def seed_priorities(borough: Borough) -> None:
    rng = borough.rng("priorities")
    Exercise.objects.filter(council=borough.council).delete()
    now = timezone.now()
    residents = list(borough.residents)
    park = Group.objects.filter(council=borough.council, name="Friends of Brookmere Park").first()
    councillor = borough.accounts.get("councillor")
    made = 0
    if park is not None and organiser_ids(park):
        organiser = User.objects.get(pk=sorted(organiser_ids(park))[0])
        area = list(park.wards.all()) or list(borough.wards.values())[:2]
        local = _in(area, residents) or residents

        # 1. Suggestions open.
        suggesting = services.exercise_open(
            actor=organiser,
            host=park,
            question="What would make Brookmere Park an even better place?",
            description="Tell us what you would change in the park. Voting opens in two weeks.",
            wards=area,
            suggest_opens=now - 5 * DAY,
            suggest_closes=now + 14 * DAY,
            vote_closes=now + 28 * DAY,
            method=Method.DOTS,
            dots=5,
            participation=Participation.ANYONE,
        )
        _suggest(suggesting, organiser, PARK_IDEAS, local[:6], rng, local[6:30])
        for n, title in enumerate(PARK_WAITING):
            author = local[(10 + n) % len(local)]
            services.priority_suggest(actor=author, exercise=suggesting, title=title)

        # 3. Results out: online ballots and a batch of paper ones.
        closed = services.exercise_open(
            actor=organiser,
            host=park,
            question="What should Brookmere do first for its green spaces and streets?",
            description="Our spring exercise, also run on paper at the Spring Fair.",
            wards=area,
            suggest_opens=now - 60 * DAY,
            suggest_closes=now + DAY,
            vote_closes=now + 2 * DAY,
            method=Method.APPROVAL,
            participation=Participation.ANYONE,
        )
        green = _suggest(closed, organiser, [(t, "") for t in GREEN_IDEAS], local[:4], rng, local)
        services.exercise_advance(actor=organiser, exercise=closed)
        closed.refresh_from_db()
        for voter in rng.sample(residents, 42):
            picks = rng.sample(green, rng.randint(1, 3))
            services.ballot_cast(
                actor=voter,
                exercise=closed,
                choices={p.pk: 1 for p in picks},
                age_band=_age(rng),
            )
        for _n in range(15):
            picks = rng.sample(green, rng.randint(1, 3))
            services.paper_ballot_enter(
                actor=organiser,
                exercise=closed,
                choices={p.pk: 1 for p in picks},
                ward=rng.choice([*area, None]),
                age_band=_age(rng),
            )
        services.exercise_advance(actor=organiser, exercise=closed)
        made += 2

    # 2. Voting open, run by the demo councillor for their ward.
    if councillor is not None:
        wards = Ward.objects.filter(pk__in=represented_ward_ids(councillor)).order_by("name")
        ward = wards.first()
        local = _in([ward], residents) if ward is not None else []
        if ward is not None and local:
            voting = services.exercise_open(
                actor=councillor,
                host=ward,
                question=f"What would make {ward.name} an even better place to live?",
                description="Share out five dots among what matters most to you.",
                wards=[ward],
                suggest_opens=now - 20 * DAY,
                suggest_closes=now + DAY,
                vote_closes=now + 10 * DAY,
                method=Method.DOTS,
                dots=5,
                participation=Participation.RESIDENTS,
            )
            ideas = _suggest(voting, councillor, [(t, "") for t in WARD_IDEAS], local, rng, local)
            services.exercise_advance(actor=councillor, exercise=voting)
            voting.refresh_from_db()
            for voter in local[: min(len(local), 15)]:
                services.ballot_cast(
                    actor=voter, exercise=voting, choices=_dots(rng, ideas, 5), age_band=_age(rng)
                )
            made += 1
    borough.counts["priority exercises"] = made
    assert all(e.phase != Phase.DRAFT for e in demo_exercises(borough))
