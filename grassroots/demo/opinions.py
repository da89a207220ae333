"""A demo opinion map in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

The demo councillor asks their ward what should happen to the old library building. It opens
through the services with 25 seed statements; about 300 generated participants without
accounts (like those `import_polis` loads) have answered in three planted camps, written with
bulk inserts; a few demo residents have answered part of the way through the services (signing
in as one shows the voting page mid-way) and two have added statements still waiting for the
host to moderate. The map is computed at seed time, so its report has groups at once. Each run
deletes the demo map and makes it again from the same seed.
"""

from __future__ import annotations

from grassroots.accounts.models import User
from grassroots.demo.borough import Borough
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.opinions import services
from grassroots.opinions.computing import compute_map
from grassroots.opinions.models import Audience, OpinionMap, Participant, Statement, Vote
from grassroots.opinions.synthetic import planted_votes
from grassroots.places.models import Ward

QUESTION = "What should happen to the old library building?"
DESCRIPTION = (
    "The library moved to the new community hub last year and the old building on Church Street "
    "is empty. Before the council decides anything, tell us what you think: answer as many "
    "statements as you like, and add your own."
)
SEEDS = (
    "The building should stay in public hands.",
    "Selling it to pay for other services would be sensible.",
    "It would make a good community centre.",
    "Turn it into affordable flats.",
    "Keep the old reading room as it is.",
    "A café on the ground floor would bring people in.",
    "It should be a space for young people in the evenings.",
    "The council cannot afford to keep an empty building heated.",
    "Local groups should be able to book rooms cheaply.",
    "A private buyer would look after it better than the council.",
    "The front of the building must be kept, whatever happens inside.",
    "I would use a small museum about the town's history.",
    "Parking nearby is already too hard for more visitors.",
    "It could house a repair café and a tool library.",
    "Any new use should pay for itself within five years.",
    "Residents should vote on the final plan.",
    "Knock it down and build something new.",
    "Artists need cheap studio space here.",
    "It should stay open until late for students to study.",
    "A GP surgery or health centre would be more useful.",
    "The garden behind it should become a public green space.",
    "A community group should run it, not the council.",
    "Leaving it empty for years is the worst outcome.",
    "Any plan should be accessible to wheelchair users.",
    "The decision should wait until the new hub has settled in.",
)
WAITING = (
    "Put solar panels on the roof, whatever it becomes.",
    "Ask the schools what they would use it for.",
)
GENERATED = 300
SEED = 2026


def _ward(borough: Borough) -> tuple[Ward, User] | None:
    councillor = borough.accounts.get("councillor")
    if councillor is None:
        return None
    ward = Ward.objects.filter(pk__in=represented_ward_ids(councillor)).order_by("name").first()
    return None if ward is None else (ward, councillor)


def seed_opinions(borough: Borough) -> None:
    OpinionMap.objects.filter(ward__council=borough.council, question=QUESTION).delete()
    found = _ward(borough)
    if found is None:
        return
    ward, councillor = found
    opinion_map = services.map_create(
        actor=councillor,
        host=ward,
        question=QUESTION,
        description=DESCRIPTION,
        audience=Audience.EVERYONE,
        allow_statements=True,
        seeds=list(SEEDS),
    )
    statements = list(Statement.objects.filter(map=opinion_map).order_by("id"))
    planted = planted_votes(
        GENERATED, len(statements), n_groups=3, density=0.45, min_votes=7, seed=SEED
    )
    Participant.objects.bulk_create(
        Participant(map=opinion_map, external_id=index) for index in range(GENERATED)
    )
    people = list(Participant.objects.filter(map=opinion_map).order_by("external_id"))
    Vote.objects.bulk_create(
        (
            Vote(
                map=opinion_map,
                participant_id=people[int(p)].pk,
                statement_id=statements[int(s)].pk,
                choice=int(v),
            )
            for p, s, v in zip(
                planted.participants, planted.statements, planted.values, strict=True
            )
        ),
        batch_size=2000,
    )
    rng = borough.rng("opinions")
    # The demo resident first, so signing in as them shows the voting page part of the way.
    demo_resident = borough.accounts.get("resident")
    voters = [demo_resident] if demo_resident is not None else []
    voters += [u for u in borough.residents if u.is_active and u not in voters][: 4 - len(voters)]
    for n, user in enumerate(voters):
        for statement in statements[: 3 + 2 * n]:
            services.vote_cast(
                actor=user,
                opinion_map=opinion_map,
                statement_id=statement.pk,
                choice=rng.choice((1, 1, -1, 0)),
            )
    for user, text in zip(voters, WAITING, strict=False):
        services.statement_add(actor=user, opinion_map=opinion_map, text=text)
    compute_map(opinion_map.pk)
    borough.counts["opinion maps"] = 1
