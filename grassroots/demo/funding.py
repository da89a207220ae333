"""Demo neighbourhood funds in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

- "Riverside Big Local": the partnership of the park group, which meets the rules (nine
  members, seven of them residents; the demo resident is its treasurer, the demo councillor a
  member who is not a resident). Its fund of £1,000,000 over ten years from Local Trust has a
  plan in three revisions (the second carries in a priority from the demo's finished priority
  exercise), applications at every stage (waiting for a vote, declined, approved and unpaid,
  part paid with a corrected payment, closed with money released and returned), a counted
  participatory-budgeting round whose winners became grants (counted under the plan's green
  spaces priority), and a round open for voting (for young people).
- A second partnership, of the allotment society, with six members: it may meet but not decide.

Everything goes through the services, as people would do it; a round's phases are moved on by
moving its dates. Each run deletes the demo's funding rows first and makes them again from the
same seed, so a re-run gives the same content.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.demo.borough import Borough
from grassroots.funding import ledger_guard
from grassroots.funding.models import (
    Application,
    Completion,
    Declaration,
    Entry,
    Fund,
    Grant,
    MemberRole,
    Membership,
    Motion,
    MotionKind,
    MotionVote,
    Partnership,
    PBBallot,
    PlanRevision,
    Round,
    RoundRule,
    Transaction,
    VoteChoice,
)
from grassroots.funding.services import applications, decisions, grant_money, partners, pbround
from grassroots.funding.services import plans as plan_services
from grassroots.funding.services.applications import Cost
from grassroots.funding.services.plans import LineInput
from grassroots.groups.models import Group
from grassroots.groups.selectors import organiser_ids
from grassroots.places.models import Council
from grassroots.priorities.models import Exercise, Phase

DAY = datetime.timedelta(days=1)
POUND = 100

FUND_NAME = "Riverside Big Local"
FUND_STARTS = datetime.date(2024, 4, 1)
PARK = "Friends of Brookmere Park"
REPAIR = "Brookmere Repair Café"
CARERS = "Carers' coffee morning"
ALLOTMENTS = "Brookmere Allotment Society"

PLAN = (
    ("green-spaces", "Green spaces and the river", "The park, the river path and street trees."),
    ("young-people", "Things to do for young people", "Clubs, sport and holiday activities."),
    ("older-people", "Less isolation for older people", "Lunch clubs, outings and lifts."),
    ("community-buildings", "Places to meet", "Rooms, halls and their running costs."),
)


def wipe_funding(council: Council) -> None:
    """Delete the funding rows of `council`'s demo partnerships, in an order PROTECT allows
    (ledger rows first, which PostgreSQL lets go only inside `allow_wipe`)."""
    partnerships = Partnership.objects.filter(group__council=council)
    funds = Fund.objects.filter(partnership__in=partnerships)
    with ledger_guard.allow_wipe():
        Entry.objects.filter(fund__in=funds).delete()
        Transaction.objects.filter(fund__in=funds, reverses__isnull=False).delete()
        Transaction.objects.filter(fund__in=funds).delete()
    Grant.objects.filter(fund__in=funds).delete()
    PBBallot.objects.filter(round__fund__in=funds).delete()
    Round.objects.filter(fund__in=funds).delete()
    MotionVote.objects.filter(motion__application__fund__in=funds).delete()
    Motion.objects.filter(application__fund__in=funds).delete()
    Declaration.objects.filter(application__fund__in=funds).delete()
    Application.objects.filter(fund__in=funds).delete()
    PlanRevision.objects.filter(fund__in=funds).delete()
    funds.delete()
    Membership.objects.filter(partnership__in=partnerships).delete()
    partnerships.delete()


def _organiser(group: Group) -> User:
    return User.objects.get(pk=sorted(organiser_ids(group))[0])


def _decide(
    application: Application,
    *,
    chair: User,
    voters: Sequence[User],
    kind: MotionKind,
    reasons: str = "",
    amount_pence: int | None = None,
    against: int = 0,
    close: bool = True,
) -> Motion:
    motion = decisions.motion_propose(
        actor=chair, application=application, kind=kind, reasons=reasons, amount_pence=amount_pence
    )
    for n, voter in enumerate(voters):
        choice = VoteChoice.AGAINST if n < against else VoteChoice.FOR
        decisions.motion_vote(actor=voter, motion=motion, choice=choice)
    if close:
        motion = decisions.motion_close(actor=chair, motion=motion)
    return motion


def seed_funding(borough: Borough) -> None:
    rng = borough.rng("funding")
    wipe_funding(borough.council)
    groups = {g.name: g for g in Group.objects.filter(council=borough.council)}
    resident = borough.accounts.get("resident")
    councillor = borough.accounts.get("councillor")
    officer = borough.accounts.get("officer") or borough.accounts.get("site admin")
    park = groups.get(PARK)
    if park is None or resident is None or councillor is None or officer is None:
        borough.counts["funds"] = 0
        return
    now = timezone.now()
    today = timezone.localdate()
    wards = list(park.wards.order_by("name")) or list(borough.wards.values())[:2]
    ward_ids = {w.pk for w in wards}
    local = [r for r in borough.residents if r.ward_id in ward_ids]
    others = [r for r in borough.residents if r.ward_id not in ward_ids]

    # --- The partnership: nine members, seven residents; the chair is appointed last, since
    # until there is one the group's organisers (the demo resident) manage it.
    partnership = partners.partnership_create(actor=resident, group=park, name=FUND_NAME)
    chair = local[0]
    seats: list[tuple[User, str, bool, str]] = [
        (resident, MemberRole.TREASURER, True, ""),
        *((person, MemberRole.MEMBER, True, "") for person in local[1:6]),
        (councillor, MemberRole.MEMBER, False, ""),
        (others[0], MemberRole.MEMBER, False, "Brookmere Housing Association"),
        (chair, MemberRole.CHAIR, True, ""),
    ]
    for user, role, is_resident, represents in seats:
        partners.membership_add(
            actor=resident,
            partnership=partnership,
            user=user,
            role=role,
            is_resident=is_resident,
            represents=represents,
        )
    fund = partners.fund_create(
        actor=officer,
        council=borough.council,
        wards=wards,
        partnership=partnership,
        name=FUND_NAME,
        description=(
            "Ten years of money for the neighbourhoods along the river, spent as residents "
            "decide: the partnership agrees a plan, takes applications and runs a yearly "
            "residents' vote."
        ),
        total_pence=1_000_000 * POUND,
        funder_name="Local Trust",
        funder_org_id="GB-CHC-1147511",
        holder_name="Brookmere Community Trust",
        holder_org_id="GB-CHC-1099999",
        starts_on=FUND_STARTS,
        horizon_years=10,
    )

    # --- The plan: a first revision, a priority carried in from the park group's finished
    # exercise, then the money moved to it.
    def allocations(per_year: int) -> dict[int, int]:
        return dict.fromkeys(range(1, 11), per_year * POUND)

    amounts = (30_000, 20_000, 20_000, 15_000)
    first = [
        LineInput(title=title, description=text, allocations=allocations(amount))
        for (_ref, title, text), amount in zip(PLAN, amounts, strict=True)
    ]
    plan_services.plan_revise(
        actor=chair, fund=fund, lines=first, summary="The plan agreed at the first open meeting."
    )
    exercise = next(
        (
            e
            for e in Exercise.objects.filter(council=borough.council).order_by("pk")
            if e.phase == Phase.RESULTS
        ),
        None,
    )
    carried = None
    if exercise is not None:
        candidates = [p for p in exercise.priorities.order_by("pk") if p.on_ballot]
        if candidates:
            carried = candidates[0]
            plan_services.plan_carry_in(
                actor=chair, fund=fund, exercise=exercise, priorities=[carried]
            )
    current = plan_services.current_revision(fund)
    assert current is not None
    refs = {line.title: line.ref for line in current.lines.all()}
    second = [
        LineInput(title=title, ref=refs[title], description=text, allocations=allocations(amount))
        for (ref, title, text), amount in zip(PLAN, (25_000, 20_000, 20_000, 15_000), strict=True)
    ]
    if carried is not None:
        second.append(
            LineInput(
                title=carried.title,
                ref=refs.get(carried.title[:150], ""),
                description="Carried in from the spring priority exercise.",
                priority_id=carried.pk,
                allocations=allocations(5_000),
            )
        )
    plan_services.plan_revise(
        actor=resident,
        fund=fund,
        lines=second,
        summary="Moved £5,000 a year from green spaces to what residents voted for in spring.",
    )
    plan = plan_services.current_revision(fund)
    assert plan is not None
    by_title = {line.title: line for line in plan.lines.all()}
    lines = {ref: by_title[title] for ref, title, _text in PLAN}

    # --- Applications at every stage.
    members = [local[n] for n in range(1, 6)]
    voters = [*members[:4], councillor]
    repair, allotments, carers = groups[REPAIR], groups[ALLOTMENTS], groups[CARERS]

    def apply(
        group: Group, ref: str, title: str, outcomes: str, budget: Sequence[tuple[str, int]]
    ) -> Application:
        return applications.application_submit(
            actor=_organiser(group),
            fund=fund,
            applicant=group,
            plan_line=lines[ref],
            title=title,
            outcomes=outcomes,
            budget=[Cost(item=item, amount_pence=pounds * POUND) for item, pounds in budget],
        )

    # Closed: paid, some returned, the rest released.
    outings = apply(
        carers,
        "older-people",
        "Summer outings for carers",
        "Four days out for carers and the people they look after.",
        [("Coach hire", 1_600), ("Entry tickets", 700), ("Lunches", 500)],
    )
    _decide(outings, chair=chair, voters=voters, kind=MotionKind.APPROVE)
    grant = Grant.objects.get(application=outings)
    grant_money.grant_pay(
        actor=resident, grant=grant, amount_pence=2_000 * POUND, paid_on=today - 200 * DAY
    )
    grant_money.grant_take_back(
        actor=resident,
        grant=grant,
        amount_pence=150 * POUND,
        note="One outing was rained off; the coach firm refunded the deposit.",
    )
    grant_money.grant_close(actor=resident, grant=grant, note="All four outings reported on.")

    # Part paid, with a mistaken payment corrected.
    tools = apply(
        repair,
        "community-buildings",
        "Tools and a workbench for the repair café",
        "More repairs each month, and fewer things thrown away.",
        [("Workbench", 900), ("Hand tools", 1_200), ("Electrical tester", 400)],
    )
    _decide(tools, chair=chair, voters=voters, kind=MotionKind.APPROVE, against=1)
    grant = Grant.objects.get(application=tools)
    mistake = grant_money.grant_pay(
        actor=resident,
        grant=grant,
        amount_pence=1_200 * POUND,
        paid_on=today - 40 * DAY,
        note="Second instalment",
    )
    grant_money.transaction_correct(
        actor=resident,
        grant=grant,
        record=mistake,
        reason="Entered twice: the second instalment is not due until the workbench is built.",
    )
    grant_money.grant_pay(
        actor=resident,
        grant=grant,
        amount_pence=1_200 * POUND,
        paid_on=today - 41 * DAY,
        note="First instalment",
    )

    # Approved (for less than asked) and committed, nothing paid yet.
    compost = apply(
        allotments,
        "green-spaces",
        "A community composting site",
        "Green waste from the allotments and the park turned into compost for everyone.",
        [("Compost bays", 3_000), ("Shredder", 1_800), ("Signs", 200)],
    )
    _decide(
        compost,
        chair=chair,
        voters=voters,
        kind=MotionKind.APPROVE,
        amount_pence=4_200 * POUND,
        reasons="The council lends a shredder free of charge, so most of that line is not needed.",
    )

    # Declined, with reasons.
    van = apply(
        repair,
        "community-buildings",
        "A van for the repair café",
        "Collect broken things from people who cannot carry them.",
        [("Second-hand van", 12_000), ("Insurance for a year", 1_500)],
    )
    _decide(
        van,
        chair=chair,
        voters=voters,
        kind=MotionKind.DECLINE,
        reasons=(
            "A van would cost more each year to run than the café spends; the partnership "
            "suggests the volunteer drivers' scheme instead, and would look again at a share "
            "of one with other groups."
        ),
    )

    # Waiting: a motion open with some votes, and a member who declared an interest.
    beds = apply(
        allotments,
        "older-people",
        "Raised beds for gardeners who use wheelchairs",
        "Six raised beds by the gate, so that everyone can have a plot.",
        [("Raised beds", 2_400), ("Path surfacing", 1_100)],
    )
    applications.interest_declare(
        actor=members[4], application=beds, interest="I have a plot at the allotments."
    )
    _decide(beds, chair=chair, voters=voters[:3], kind=MotionKind.APPROVE, close=False)

    # --- A counted participatory-budgeting round and one open for voting.
    counted = pbround.round_create(
        actor=chair,
        fund=fund,
        title="Riverside Decides 2025",
        description="£20,000 for small projects chosen by the residents of the fund's wards.",
        budget_pence=20_000 * POUND,
        proposals_open=now - DAY,
        proposals_close=now + DAY,
        voting_opens=now + 2 * DAY,
        voting_closes=now + 3 * DAY,
        rule=RoundRule.GREEDY,
        plan_line=lines["green-spaces"],
    )
    ideas = (
        ("Planters on the high street", 2_500),
        ("A summer football camp", 4_000),
        ("Benches along the river path", 3_500),
        ("Repair the skate ramp", 6_000),
        ("A community fridge", 1_800),
        ("Murals under the railway bridge", 5_000),
        ("Free swimming lessons for children", 4_500),
    )
    proposals = [
        pbround.proposal_create(
            actor=local[10 + n],
            round_=counted,
            title=title,
            description=f"{title}, proposed by a resident of the area.",
            cost_pence=cost * POUND,
        )
        for n, (title, cost) in enumerate(ideas)
    ]
    refused = pbround.proposal_create(
        actor=local[17],
        round_=counted,
        title="Resurface the supermarket car park",
        description="The car park is full of potholes.",
        cost_pence=8_000 * POUND,
    )
    _move(counted, now, voting=False)
    for proposal in proposals:
        pbround.proposal_check(actor=chair, proposal=proposal, eligible=True)
    pbround.proposal_check(
        actor=chair,
        proposal=refused,
        eligible=False,
        reason="The car park is private land: the supermarket is responsible for it.",
    )
    _move(counted, now, voting=True)
    weights = [7, 5, 6, 3, 4, 2, 5]
    for voter in local[:40]:
        picks = {p.pk for p in rng.choices(proposals, weights=weights, k=rng.randint(1, 4))}
        pbround.ballot_cast(actor=voter, round_=counted, proposal_ids=picks)
    Round.objects.filter(pk=counted.pk).update(
        proposals_open=now - 120 * DAY,
        proposals_close=now - 90 * DAY,
        voting_opens=now - 80 * DAY,
        voting_closes=now - 60 * DAY,
    )
    counted.refresh_from_db()
    pbround.round_count(actor=chair, round_=counted)

    voting = pbround.round_create(
        actor=chair,
        fund=fund,
        title="Riverside Decides 2026",
        description=(
            "£15,000 for small projects: vote for as many as you like. Counted by equal "
            "shares, so each part of the area has its say in how the money is split."
        ),
        budget_pence=15_000 * POUND,
        proposals_open=now - DAY,
        proposals_close=now + DAY,
        voting_opens=now + 2 * DAY,
        voting_closes=now + 3 * DAY,
        rule=RoundRule.MES,
        completion=Completion.ADD_ONE,
        plan_line=lines["young-people"],
    )
    open_ideas = (
        ("Bulbs for the river bank", 1_200),
        ("A homework club at the library", 3_800),
        ("Bike repair workshops", 2_600),
        ("A defibrillator at the community hall", 1_500),
    )
    on_ballot = [
        pbround.proposal_create(
            actor=local[20 + n],
            round_=voting,
            title=title,
            description=f"{title}, proposed by a resident of the area.",
            cost_pence=cost * POUND,
        )
        for n, (title, cost) in enumerate(open_ideas)
    ]
    _move(voting, now, voting=False)
    for proposal in on_ballot:
        pbround.proposal_check(actor=members[0], proposal=proposal, eligible=True)
    Round.objects.filter(pk=voting.pk).update(
        proposals_open=now - 40 * DAY,
        proposals_close=now - 20 * DAY,
        voting_opens=now - 5 * DAY,
        voting_closes=now + 14 * DAY,
    )
    voting.refresh_from_db()
    for voter in local[25:37]:
        picks = {p.pk for p in rng.sample(on_ballot, rng.randint(1, 3))}
        pbround.ballot_cast(actor=voter, round_=voting, proposal_ids=picks)

    # --- A second partnership that may meet but not decide: six members.
    if allotments is not None:
        organiser = _organiser(allotments)
        second_partnership = partners.partnership_create(
            actor=organiser, group=allotments, name="Allotments and Gardens Partnership"
        )
        pool = [r for r in borough.residents if r.pk != organiser.pk and r not in local[:40]]
        for person in [organiser, *pool[:5]]:
            partners.membership_add(
                actor=organiser,
                partnership=second_partnership,
                user=person,
                is_resident=True,
                role=MemberRole.CHAIR if person is organiser else MemberRole.MEMBER,
            )
    borough.counts["funds"] = 1


def _move(round_: Round, now: datetime.datetime, *, voting: bool) -> None:
    """Move a round on: proposals closed (checking), or voting open."""
    if voting:
        dates = {
            "proposals_open": now - 10 * DAY,
            "proposals_close": now - 5 * DAY,
            "voting_opens": now - DAY,
            "voting_closes": now + DAY,
        }
    else:
        dates = {
            "proposals_open": now - 10 * DAY,
            "proposals_close": now - 5 * DAY,
            "voting_opens": now + DAY,
            "voting_closes": now + 2 * DAY,
        }
    Round.objects.filter(pk=round_.pk).update(**dates)
    round_.refresh_from_db()
