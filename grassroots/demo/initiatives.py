"""Demo content for initiatives and councillor support in the Brookmere demo borough.

A step of `grassroots.demo.seed.STEPS`. It shows every stage and theme (with one safeguarded
initiative, which has members who joined by invitation and an invitation waiting for the demo
resident), support of all three kinds in every status, help requests waiting, overdue and
taken, and advocacy cases in every status.

Initiatives, their people, needs, updates, milestones, stages and outcomes are made by the same
services residents' actions use (`initiatives.services`), so the demo holds only what the site
itself could have made: slugs from `initiative_slug`, the audit log, the notifications. Their
dates are then moved into the past, since a service records the moment it runs. Councillors'
support, help requests and advocacy cases go through `support.services` in the same way: the
leads ask for help, accept or decline offers and give feedback; ward councillors offer, take
requests, move support on and raise cases; the demo officer answers and decides them. The
support services act only for a signed-in councillor with TOTP, so each councillor who
supports an initiative has a demo sign-in of their own (`demo.borough.councillor_account`:
`<slug>@councillors.demo.grassroots.localhost`, the demo password and a published TOTP secret).

Each initiative is in the ward its title names and is led by somebody who lives there. The
demo's own initiatives (`demo_initiatives`: started by demo accounts in the demo council's
wards) are rebuilt on each run from the same seed; nothing else is touched.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from grassroots.accounts.models import OfficerPost, User
from grassroots.demo.borough import ACCOUNT_DOMAIN, COUNCIL_GSS, Borough, councillor_account
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeWard,
    Membership,
    Milestone,
    Need,
    NeedKind,
    Stage,
    StageChange,
    Theme,
    Update,
    Visibility,
)
from grassroots.initiatives.services import invitations, lifecycle, people, progress
from grassroots.places.models import Council, Ward
from grassroots.support import services as support_services
from grassroots.support.models import (
    AdvocacyCase,
    CaseStatus,
    Decision,
    Helped,
    HelpRequest,
    Support,
    SupportKind,
    SupportStatus,
)

# The forward path every initiative walks; paused and closed branch off it.
_PATH = [Stage.IDEA, Stage.GATHERING_SUPPORT, Stage.PLANNING, Stage.IN_ACTION, Stage.ACHIEVED]


@dataclass(frozen=True)
class InitiativeSpec:
    title: str
    ward: str  # the ward it is in: the one its title names, if it names one
    theme: Theme
    stage: Stage
    problem: str
    change: str
    who_for: str
    # Progress updates, oldest first (none for an idea); every one different.
    updates: tuple[str, ...] = ()
    visibility: Visibility = Visibility.PUBLIC


SPECS: tuple[InitiativeSpec, ...] = (
    InitiativeSpec(
        "Fennick Lane community orchard",
        "Fennick",
        Theme.GREEN_SPACES,
        Stage.ACHIEVED,
        "The strip of council land behind Fennick Lane was fly-tipped every month.",
        "Plant fruit trees that neighbours look after and share the harvest.",
        "Families on the Fennick estate, and the primary school next door.",
        (
            "The council has agreed a licence for the strip behind Fennick Lane.",
            "Planting day: twenty trees in the ground and soup for forty people.",
            "Our first harvest went to the school fair and the food bank.",
        ),
    ),
    InitiativeSpec(
        "Brookmere walking for health group",
        "Brookmere Central",
        Theme.HEALTH,
        Stage.IN_ACTION,
        "Many older residents told the GP surgery they rarely leave the house.",
        "Weekly led walks of different lengths, finishing with a cup of tea.",
        "Anyone who wants gentle exercise and company, especially people living alone.",
        (
            "Two of us have finished the walk leader training.",
            "The first walk went well: fourteen people came, and the café kept us a table.",
            "We now have a shorter route for people who use a stick or a frame.",
        ),
    ),
    InitiativeSpec(
        "Safe space for people affected by domestic abuse",
        "Hollowmead",
        Theme.SAFETY,
        Stage.PLANNING,
        "People affected by domestic abuse in the borough have nowhere local to meet safely.",
        "A confidential peer support group with a trained facilitator and a safe venue.",
        "Survivors of domestic abuse and people supporting them.",
        (
            "A trained facilitator from the regional charity has agreed to help us start.",
            "We are looking at two possible rooms; neither is named here, for everyone's safety.",
        ),
        Visibility.SAFEGUARDED,
    ),
    InitiativeSpec(
        "Castle Fold heritage trail",
        "Castle Fold",
        Theme.TOURISM,
        Stage.GATHERING_SUPPORT,
        "Visitors pass through Castle Fold without knowing its history.",
        "A signed walking trail and leaflet written by local history volunteers.",
        "Visitors and the shops and cafés along the trail.",
        ("The history society has lent us its photographs of the old mill.",),
    ),
    InitiativeSpec(
        "Greywell Green volunteer hub",
        "Greywell Green",
        Theme.VOLUNTEERING,
        Stage.IDEA,
        "Small groups each look for volunteers separately and often give up.",
        "One place where groups post what they need and people offer time.",
        "Community groups and anyone with a few hours to give.",
    ),
    InitiativeSpec(
        "Eastmoor youth music nights",
        "Eastmoor",
        Theme.YOUNG_PEOPLE,
        Stage.PAUSED,
        "Young people in Eastmoor say there is nothing to do on Friday evenings.",
        "Monthly music nights run with young people at the community centre.",
        "Young people aged 13 to 19.",
        (
            "Three bands signed up for the first night, and the sound desk is borrowed.",
            "The community centre is closed for repairs until spring, so we are pausing.",
        ),
    ),
    InitiativeSpec(
        "Hollowmead lunch club",
        "Hollowmead",
        Theme.OLDER_PEOPLE,
        Stage.IN_ACTION,
        "The lunch club closed when the church hall was sold.",
        "Restart a weekly lunch club in a new venue with volunteer drivers.",
        "Older residents who would otherwise eat alone.",
        (
            "St Aidan's has offered us its hall on Wednesdays.",
            "Six volunteer drivers are now checked and insured.",
            "Twenty-two people came to the first lunch; shepherd's pie was the favourite.",
        ),
    ),
    InitiativeSpec(
        "Dunmere tenants' repair watch",
        "Dunmere",
        Theme.HOUSING,
        Stage.PLANNING,
        "Repairs on the Dunmere estate take months and tenants don't know who to ask.",
        "A tenants' group that logs repairs and meets the housing team quarterly.",
        "Tenants of the Dunmere estate.",
        (
            "We have logged forty-one open repairs so far, the oldest from last winter.",
            "The housing team has agreed to a first meeting with us.",
        ),
    ),
    InitiativeSpec(
        "Safer crossing at Millbrook Ash school",
        "Millbrook Ash",
        Theme.TRANSPORT,
        Stage.GATHERING_SUPPORT,
        "Children cross a busy road to reach Millbrook Ash primary school.",
        "A zebra crossing and a 20 mph zone outside the school.",
        "Pupils, parents and carers.",
        ("Parents counted 310 cars in the half hour before school on Tuesday.",),
    ),
    InitiativeSpec(
        "Westwater mural project",
        "Westwater",
        Theme.ARTS,
        Stage.CLOSED,
        "The underpass at Westwater is dark and covered in graffiti.",
        "A mural designed with local schools.",
        "Everyone who walks through the underpass.",
        (
            "Pupils from two schools have drawn their designs for the underpass.",
            "The underpass is to be rebuilt next year, so we are closing this initiative.",
        ),
    ),
    InitiativeSpec(
        "Alderwick repair café",
        "Alderwick",
        Theme.OTHER,
        Stage.IN_ACTION,
        "Broken things go to landfill when they could be fixed.",
        "A monthly repair café where volunteers fix items with their owners.",
        "Anyone with something broken, and people who like fixing things.",
        (
            "We have a sewing machine, a soldering iron and two volunteers who can use them.",
            "Thirty-four items fixed at our first session, from toasters to trousers.",
            "Next month we are trying a bike repair corner.",
        ),
    ),
    InitiativeSpec(
        "Bramblefield pocket park",
        "Bramblefield",
        Theme.GREEN_SPACES,
        Stage.IN_ACTION,
        "The empty corner plot on Bramble Road is a magnet for litter.",
        "A small park with seating, planting and a little free library.",
        "Neighbours of Bramble Road and people waiting for the bus.",
        (
            "The plot is cleared: twelve bags of rubbish and one shopping trolley.",
            "The benches are in; the planting is next.",
            "The little free library has its first forty books.",
        ),
    ),
    InitiativeSpec(
        "Kestrel Rise street lighting",
        "Kestrel Rise",
        Theme.SAFETY,
        Stage.IN_ACTION,
        "The footpath to Kestrel Rise station is unlit and people avoid it after dark.",
        "Working lights along the footpath.",
        "Commuters and residents walking home at night.",
        (
            "We walked the footpath with the highways officer and marked the dark stretches.",
            "Highways have ordered eight new lamp columns.",
            "The first four lights are working; the rest are due next month.",
        ),
    ),
    InitiativeSpec(
        "Central library open evenings",
        "Brookmere Central",
        Theme.ARTS,
        Stage.IN_ACTION,
        "The library closes at 5pm, before most working people can visit.",
        "Volunteer-supported opening until 8pm twice a week.",
        "Working residents, students and families.",
        (
            "The library service has agreed to a six-month trial.",
            "Twelve volunteers have had their induction.",
            "Our first late opening brought in ninety visitors.",
        ),
    ),
)


# Advocacy cases, one per status (and each decision), on initiatives in action or planning.
_CASES: tuple[tuple[CaseStatus, Decision | None], ...] = (
    (CaseStatus.RAISED, None),
    (CaseStatus.ACKNOWLEDGED, None),
    (CaseStatus.UNDER_CONSIDERATION, None),
    (CaseStatus.DECIDED, Decision.AGREED),
    (CaseStatus.DECIDED, Decision.PARTLY_AGREED),
    (CaseStatus.CLOSED, Decision.DECLINED),
)
# The demo resident leads this one, in their own ward (Brookmere Central).
RESIDENT_LEADS = "Central library open evenings"
# Stages whose work is over: nothing waits on them any more.
_FINISHED = (Stage.ACHIEVED, Stage.CLOSED)


def demo_initiatives(council: Council | None = None) -> QuerySet[Initiative]:
    """The demo's initiatives: started by a demo account in a ward of the demo council."""
    wards = (
        Ward.objects.filter(council=council)
        if council
        else Ward.objects.filter(council__gss_code=COUNCIL_GSS)
    )
    return Initiative.objects.filter(
        created_by__email__endswith=ACCOUNT_DOMAIN,
        pk__in=InitiativeWard.objects.filter(ward__in=wards).values("initiative_id"),
    )


def _stages_to(stage: Stage) -> list[Stage]:
    """The timeline that leads to `stage` (paused and closed branch off in action/planning)."""
    if stage == Stage.PAUSED:
        return [*_PATH[:4], Stage.PAUSED]
    if stage == Stage.CLOSED:
        return [*_PATH[:3], Stage.CLOSED]
    return _PATH[: _PATH.index(stage) + 1]


def seed_initiatives(borough: Borough) -> None:
    """Initiatives in every stage and theme, with support, help requests and cases."""
    rng = borough.rng("initiatives")
    now = timezone.now()
    demo_initiatives(borough.council).delete()
    wards = {ward.name: ward for ward in borough.wards.values()}
    residents = borough.residents
    resident_account = borough.accounts.get("resident")
    officer = borough.accounts.get("officer")
    councillors_by_ward: dict[int, list[int]] = {}
    for councillor in borough.councillors.values():
        for term in councillor.terms.all():
            if term.is_current():
                councillors_by_ward.setdefault(term.ward_id, []).append(councillor.pk)
    initiatives: list[Initiative] = []
    leads_taken: set[int] = set()
    for index, spec in enumerate(SPECS):
        ward = wards[spec.ward]
        if resident_account is not None and spec.title == RESIDENT_LEADS:
            lead = resident_account  # in their own ward, so they can try a lead's pages
        else:
            lead = _lead(ward, residents, leads_taken)
        started = now - datetime.timedelta(days=300 - index * 15)
        public = spec.visibility == Visibility.PUBLIC
        lon, lat = _centre(ward)
        initiative = lifecycle.initiative_create(
            creator=lead,
            title=spec.title,
            problem=spec.problem,
            change_wanted=spec.change,
            who_for=spec.who_for,
            theme=spec.theme,
            wards=[ward],
            # A safeguarded initiative shows no place on any map.
            latitude=lat if public else None,
            longitude=lon if public else None,
            location_text=ward.name if public else "",
            visibility=spec.visibility,
        )
        _backdate(Initiative.objects.filter(pk=initiative.pk), created_at=started)
        _backdate(
            Membership.objects.filter(initiative=initiative),
            requested_at=started,
            decided_at=started,
        )
        _people(initiative, lead, residents, resident_account, started, rng)
        _timeline(initiative, spec, lead, started, now, rng)
        initiative.refresh_from_db()
        initiatives.append(initiative)
    supports = _support(initiatives, councillors_by_ward, borough, now, rng)
    cases = _cases(supports, borough, officer, now)
    borough.counts["initiatives"] = len(initiatives)
    borough.counts["supports"] = len(supports)
    borough.counts["advocacy cases"] = cases


def _lead(ward: Ward, residents: list[User], taken: set[int]) -> User:
    """Somebody who lives in the ward and leads nothing else yet."""
    locals_ = [r for r in residents if r.ward_id == ward.pk and r.pk not in taken]
    lead = (locals_ or [r for r in residents if r.pk not in taken])[0]
    taken.add(lead.pk)
    return lead


def _backdate(rows: QuerySet[Any], **moments: Any) -> None:
    """Move what a service stamped with "now" back to when the demo says it happened."""
    rows.update(**moments)


def _centre(ward: Ward) -> tuple[float, float]:
    box = (ward.min_lon, ward.min_lat, ward.max_lon, ward.max_lat)
    if None in box:
        raise ValueError(f"Demo ward {ward.gss_code} has no boundary")
    min_lon, min_lat, max_lon, max_lat = (float(v or 0) for v in box)
    return ((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)


def _people(
    initiative: Initiative,
    lead: User,
    residents: list[User],
    resident_account: User | None,
    started: datetime.datetime,
    rng: random.Random,
) -> None:
    """Members, a request waiting and backers; a safeguarded one grows only by invitation."""
    others = [r for r in rng.sample(residents, 12) if r.pk != lead.pk][:11]
    members, requested, backers = others[:4], others[4:5], others[5:]
    joined = started + datetime.timedelta(days=10)
    rows = Membership.objects.filter(initiative=initiative)
    if initiative.visibility == Visibility.SAFEGUARDED:
        # Nobody outside can find it to ask: the leads invite, and people accept.
        for user in members:
            invited = invitations.invitation_create(
                initiative=initiative,
                actor=lead,
                invitee=user,
                message="We met at the drop-in. You would be very welcome.",
            )
            invitations.invitation_accept(membership=invited, user=user)
        _backdate(
            rows.filter(user__in=members),
            invited_at=joined - datetime.timedelta(days=2),
            decided_at=joined,
            requested_at=joined - datetime.timedelta(days=2),
        )
        invitee = resident_account or requested[0]
        invitations.invitation_create(
            initiative=initiative,
            actor=lead,
            invitee=invitee,
            message="Our group meets on Thursday evenings. Join us if you would like to.",
        )
        _backdate(rows.filter(user=invitee), invited_at=timezone.now() - datetime.timedelta(days=2))
        return
    for user in members:
        asked = people.membership_request(
            initiative=initiative, user=user, message="I live nearby and would like to help."
        )
        people.membership_decide(membership=asked, actor=lead, approve=True)
    _backdate(rows.filter(user__in=members), requested_at=joined, decided_at=joined)
    for user in requested:
        people.membership_request(
            initiative=initiative, user=user, message="I live nearby and would like to help."
        )
    for user in backers:
        people.backing_toggle(initiative=initiative, user=user)
    _backdate(Backing.objects.filter(initiative=initiative), created_at=joined)


_STAGE_NOTES = {
    Stage.GATHERING_SUPPORT: "Agreed at our first meeting in the community centre.",
    Stage.PLANNING: "Enough neighbours have backed it to go ahead.",
    Stage.IN_ACTION: "We have a plan and a date.",
    Stage.ACHIEVED: "Done: thank you to everyone who helped.",
    Stage.PAUSED: "Waiting for the venue to reopen.",
    Stage.CLOSED: "Closed: the plans for the site have changed.",
}


def _timeline(
    initiative: Initiative,
    spec: InitiativeSpec,
    lead: User,
    started: datetime.datetime,
    now: datetime.datetime,
    rng: random.Random,
) -> None:
    """Needs, then stages, updates and milestones a month apart, then the outcome."""
    needs = [
        progress.need_create(
            initiative=initiative,
            actor=lead,
            kind=NeedKind.VOLUNTEERS,
            description="Helpers on the day.",
            volunteers_wanted=rng.randint(3, 12),
            when="Saturday mornings",
        ),
        progress.need_create(
            initiative=initiative,
            actor=lead,
            kind=NeedKind.MONEY,
            description="Materials and insurance.",
            amount_pence=rng.randint(50, 900) * 100 + rng.choice((0, 50)),
        ),
        progress.need_create(
            initiative=initiative,
            actor=lead,
            kind=rng.choice(
                [k for k in NeedKind if k not in (NeedKind.VOLUNTEERS, NeedKind.MONEY)]
            ),
            description="Anyone who can help with this, please get in touch.",
        ),
    ]
    _backdate(Need.objects.filter(initiative=initiative), created_at=started)
    stages = _stages_to(spec.stage)
    for to_stage in stages[1:]:
        lifecycle.initiative_change_stage(
            initiative=initiative, actor=lead, to_stage=to_stage, note=_STAGE_NOTES[to_stage]
        )
    # Each stage a month after the last; the latest no later than three weeks ago.
    step = datetime.timedelta(days=30)
    changes = list(StageChange.objects.filter(initiative=initiative).order_by("changed_at", "pk"))
    for n, change in enumerate(changes):
        _backdate(StageChange.objects.filter(pk=change.pk), changed_at=started + n * step)
    last = started + (len(changes) - 1) * step
    _backdate(Initiative.objects.filter(pk=initiative.pk), stage_changed_at=last)
    # Updates between the stages (a finished one's needs were all met on the way).
    # Updates spread from the start to a little after the latest stage (never in the future).
    until = min(last + datetime.timedelta(days=20), now - datetime.timedelta(days=1))
    for n, text in enumerate(spec.updates):
        update = progress.update_create(initiative=initiative, author=lead, text=text)
        at = started + (until - started) * (n + 1) / (len(spec.updates) + 1)
        _backdate(Update.objects.filter(pk=update.pk), created_at=at)
    if spec.stage == Stage.ACHIEVED:
        for need in needs:
            progress.need_set_status(need=need, actor=lead, met=True)
        _backdate(Need.objects.filter(initiative=initiative), met_at=last - step / 2)
    if spec.stage != Stage.IDEA:
        first = progress.milestone_create(
            initiative=initiative,
            actor=lead,
            title="First meeting",
            due_on=(started + datetime.timedelta(days=14)).date(),
        )
        progress.milestone_set_done(milestone=first, actor=lead, done=True)
        _backdate(
            Milestone.objects.filter(pk=first.pk),
            done_on=(started + datetime.timedelta(days=15)).date(),
        )
        launch = progress.milestone_create(
            initiative=initiative,
            actor=lead,
            title="Launch day",
            due_on=(now + datetime.timedelta(days=40)).date()
            if spec.stage not in _FINISHED
            else (last - datetime.timedelta(days=10)).date(),
        )
        if spec.stage == Stage.ACHIEVED:
            progress.milestone_set_done(milestone=launch, actor=lead, done=True)
            _backdate(Milestone.objects.filter(pk=launch.pk), done_on=launch.due_on)
    if spec.stage == Stage.ACHIEVED:
        progress.outcome_record(
            initiative=initiative,
            actor=lead,
            what_changed="Twenty fruit trees planted and cared for by a rota of neighbours.",
            for_whom="About 300 households and the 200 pupils of the school next door.",
            evidence="Fly-tipping reports fell from 14 to 1 in a year; the harvest fed two fairs.",
        )


def _support(
    initiatives: list[Initiative],
    councillors_by_ward: dict[int, list[int]],
    borough: Borough,
    now: datetime.datetime,
    rng: random.Random,
) -> list[Support]:
    """Support of all three kinds in every status, and help requests waiting and taken.

    Each is made as the people involved would make it: the leads ask for help, a ward councillor
    takes a request or offers support, the leads accept or decline it, it moves on, and the
    leads say whether it helped. The moments are then moved back to when the demo says."""
    by_pk = {councillor.pk: councillor for councillor in borough.councillors.values()}
    accounts: dict[int, User] = {}

    def account(pk: int) -> User:
        if pk not in accounts:
            accounts[pk] = councillor_account(borough, by_pk[pk])
        return accounts[pk]

    statuses = [
        SupportStatus.OFFERED,
        SupportStatus.PLANNED,
        SupportStatus.IN_PROGRESS,
        SupportStatus.DONE,
        SupportStatus.DECLINED,
    ]
    supports: list[Support] = []
    for index, initiative in enumerate(initiatives):
        ward_id = initiative.wards.values_list("pk", flat=True)[0]
        ward_councillors = councillors_by_ward.get(ward_id, [])
        if not ward_councillors or initiative.stage == Stage.IDEA:
            continue
        lead = initiative.created_by
        for pk in ward_councillors:
            account(pk)
        finished = initiative.stage in _FINISHED
        # Help requests: one waiting (overdue on every other initiative) unless its work is
        # over, made first (a safeguarded initiative's ward councillors see it while one
        # waits), and one taken.
        if not finished:
            waiting = support_services.help_request_create(
                actor=lead,
                initiative=initiative,
                kind=SupportKind.CONNECT,
                message="Can you introduce us to someone in the council who can help with a venue?",
            )
            waited_days = 12 if index % 2 else 1
            HelpRequest.objects.filter(pk=waiting.pk).update(
                created_at=now - datetime.timedelta(days=waited_days),
                overdue_since=now - datetime.timedelta(days=waited_days - 7)
                if waited_days > 7
                else None,
            )
        offers: list[Support] = []
        for offset, kind in enumerate(SupportKind):
            status = statuses[(index + offset) % len(statuses)]
            if finished and status not in (SupportStatus.DONE, SupportStatus.DECLINED):
                # Its work is over: support either helped or was turned down.
                status = SupportStatus.DONE
            if kind == SupportKind.ADVOCATE and initiative.stage in (
                Stage.IN_ACTION,
                Stage.PLANNING,
            ):
                status = SupportStatus.IN_PROGRESS
            councillor = account(ward_councillors[offset % len(ward_councillors)])
            support = support_services.support_offer(
                actor=councillor,
                initiative=initiative,
                kind=kind,
                description=_SUPPORT_TEXT[kind],
            )
            if status != SupportStatus.OFFERED:
                support_services.support_decide(
                    actor=lead, support=support, accept=status != SupportStatus.DECLINED
                )
            if status == SupportStatus.IN_PROGRESS:
                support_services.support_move(
                    actor=councillor, support=support, status=SupportStatus.IN_PROGRESS
                )
            if status == SupportStatus.DONE:
                _finish(support, councillor, lead, rng.choice(list(Helped)), _FEEDBACK)
            offered = now - datetime.timedelta(days=90 - offset * 10)
            Support.objects.filter(pk=support.pk).update(
                offered_at=offered,
                decided_at=None
                if status == SupportStatus.OFFERED
                else offered + datetime.timedelta(days=2),
                done_at=offered + datetime.timedelta(days=30)
                if status == SupportStatus.DONE
                else None,
                feedback_at=offered + datetime.timedelta(days=32)
                if status == SupportStatus.DONE
                else None,
            )
            offers.append(support)
        # Taken after the offers: its councillor may have offered the same kind already.
        taken = support_services.help_request_create(
            actor=lead,
            initiative=initiative,
            kind=SupportKind.FACILITATE,
            message="Could you chair a meeting between us and the neighbours who disagree?",
        )
        chair = support_services.help_request_take(
            actor=account(ward_councillors[0]),
            help_request=taken,
            description="I will chair the meeting at the community centre.",
        )
        if finished:
            _finish(chair, account(ward_councillors[0]), lead, Helped.YES, _CHAIR_FEEDBACK)
        HelpRequest.objects.filter(pk=taken.pk).update(
            created_at=now - datetime.timedelta(days=40 + rng.randint(1, 6)),
            taken_at=now - datetime.timedelta(days=40),
        )
        Support.objects.filter(pk=chair.pk).update(
            offered_at=now - datetime.timedelta(days=40),
            decided_at=now - datetime.timedelta(days=40),
            done_at=now - datetime.timedelta(days=30) if finished else None,
            feedback_at=now - datetime.timedelta(days=28) if finished else None,
        )
        supports.extend([*offers, chair])
    return [Support.objects.select_related("councillor").get(pk=s.pk) for s in supports]


def _finish(support: Support, councillor: User, lead: User, helped: str, feedback: str) -> None:
    """The councillor marks the support done; the leads say whether it helped."""
    support_services.support_move(actor=councillor, support=support, status=SupportStatus.DONE)
    support_services.support_feedback_give(
        actor=lead, support=support, helped=helped, comment=feedback
    )


_SUPPORT_TEXT = {
    SupportKind.FACILITATE: "I can host a meeting with the neighbours and keep it on track.",
    SupportKind.CONNECT: "I'll introduce you to the council's community development officer.",
    SupportKind.ADVOCATE: "I'll raise this with the department and follow it up.",
}
_FEEDBACK = "The introduction got us a meeting within a week. Thank you."
_CHAIR_FEEDBACK = "The meeting cleared the air; we agreed a way forward."


def _cases(
    supports: list[Support], borough: Borough, officer: User | None, now: datetime.datetime
) -> int:
    """One advocacy case in each status, raised from advocate support in progress.

    The supporting councillor raises each case and writes first; the demo officer acknowledges,
    answers, notes, considers and decides, so a case that has moved on is with their department.
    """
    departments = list(borough.departments.values())
    officer_departments = (
        [post.department for post in OfficerPost.objects.current().filter(user=officer)]
        if officer is not None
        else []
    )
    advocates = [
        s
        for s in supports
        if s.kind == SupportKind.ADVOCATE and s.status == SupportStatus.IN_PROGRESS
    ]
    count = 0
    for (status, decision), support in zip(_CASES, advocates, strict=False):
        if status != CaseStatus.RAISED and not officer_departments:
            continue  # nobody could have moved it on
        department = (
            departments[count % len(departments)]
            if status == CaseStatus.RAISED
            else officer_departments[0]
        )
        councillor = support.councillor.user
        if councillor is None:
            continue
        case = support_services.case_open(
            actor=councillor,
            support=support,
            department=department,
            ask="Please help the group with what it needs from the council.",
            evidence="Over 60 residents backed it; photos and a petition are on the initiative.",
            outcome_wanted="A decision and a named contact in the department.",
            wanted_by=(now + datetime.timedelta(days=30)).date(),
        )
        support_services.case_message_post(
            actor=councillor, case=case, text="Raised on behalf of the group."
        )
        if officer is not None and status != CaseStatus.RAISED:
            support_services.case_move(actor=officer, case=case, status=CaseStatus.ACKNOWLEDGED)
            support_services.case_message_post(
                actor=officer, case=case, text="Thank you: we are looking at this."
            )
            support_services.case_message_post(
                actor=officer,
                case=case,
                text="Internal: check the budget line before we reply.",
                internal=True,
            )
            if status == CaseStatus.UNDER_CONSIDERATION:
                support_services.case_move(
                    actor=officer, case=case, status=CaseStatus.UNDER_CONSIDERATION
                )
            if decision:
                support_services.case_decide(
                    actor=officer, case=case, decision=decision, reasons=_REASONS[decision]
                )
            if status == CaseStatus.CLOSED:
                support_services.case_move(actor=officer, case=case, status=CaseStatus.CLOSED)
        # One case's wanted-by date has passed (a service takes only today or later).
        wanted_by = (now + datetime.timedelta(days=-10 if count == 1 else 30)).date()
        AdvocacyCase.objects.filter(pk=case.pk).update(
            wanted_by=wanted_by,
            decided_at=now - datetime.timedelta(days=5) if decision else None,
        )
        count += 1
    return count


_REASONS = {
    Decision.AGREED: "The department can fund this from the neighbourhood budget this year.",
    Decision.PARTLY_AGREED: "We can provide the venue but not the equipment this year.",
    Decision.DECLINED: "The land is earmarked for housing; we have suggested two other sites.",
}
