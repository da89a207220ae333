"""Demo content for initiatives and councillor support in the Brookmere demo borough.

A step of `grassroots.core.demo.STEPS`. It shows every stage and theme (with one safeguarded
initiative, which has a member who joined by invitation and an invitation waiting for the demo
resident), support of all three kinds in every status, help requests waiting, overdue and
taken, and advocacy cases in every status. The demo's own initiatives (slugs starting
`DEMO_SLUG_PREFIX`) are rebuilt on each run from the same seed, so re-running gives the same
content; nothing else is touched.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    InitiativeWard,
    MemberRole,
    Membership,
    MembershipStatus,
    Milestone,
    Need,
    NeedKind,
    NeedStatus,
    Outcome,
    Stage,
    StageChange,
    Theme,
    Update,
    Visibility,
)
from grassroots.notifications.models import Kind, Notification
from grassroots.places.models import Ward
from grassroots.support.models import (
    AdvocacyCase,
    CaseMessage,
    CaseStatus,
    Decision,
    Helped,
    HelpRequest,
    HelpRequestStatus,
    Support,
    SupportKind,
    SupportStatus,
)

if TYPE_CHECKING:
    from grassroots.core.demo import Borough

DEMO_SLUG_PREFIX = "brookmere-"

# The forward path every initiative walks; paused and closed branch off it.
_PATH = [Stage.IDEA, Stage.GATHERING_SUPPORT, Stage.PLANNING, Stage.IN_ACTION, Stage.ACHIEVED]


@dataclass(frozen=True)
class InitiativeSpec:
    title: str
    theme: Theme
    stage: Stage
    problem: str
    change: str
    who_for: str
    visibility: Visibility = Visibility.PUBLIC


SPECS: tuple[InitiativeSpec, ...] = (
    InitiativeSpec(
        "Fennick Lane community orchard",
        Theme.GREEN_SPACES,
        Stage.ACHIEVED,
        "The strip of council land behind Fennick Lane was fly-tipped every month.",
        "Plant fruit trees that neighbours look after and share the harvest.",
        "Families on the Fennick estate, and the primary school next door.",
    ),
    InitiativeSpec(
        "Brookmere walking for health group",
        Theme.HEALTH,
        Stage.IN_ACTION,
        "Many older residents told the GP surgery they rarely leave the house.",
        "Weekly led walks of different lengths, finishing with a cup of tea.",
        "Anyone who wants gentle exercise and company, especially people living alone.",
    ),
    InitiativeSpec(
        "Safe space for people affected by domestic abuse",
        Theme.SAFETY,
        Stage.PLANNING,
        "People affected by domestic abuse in the borough have nowhere local to meet safely.",
        "A confidential peer support group with a trained facilitator and a safe venue.",
        "Survivors of domestic abuse and people supporting them.",
        Visibility.SAFEGUARDED,
    ),
    InitiativeSpec(
        "Castle Fold heritage trail",
        Theme.TOURISM,
        Stage.GATHERING_SUPPORT,
        "Visitors pass through Castle Fold without knowing its history.",
        "A signed walking trail and leaflet written by local history volunteers.",
        "Visitors and the shops and cafés along the trail.",
    ),
    InitiativeSpec(
        "Greywell Green volunteer hub",
        Theme.VOLUNTEERING,
        Stage.IDEA,
        "Small groups each look for volunteers separately and often give up.",
        "One place where groups post what they need and people offer time.",
        "Community groups and anyone with a few hours to give.",
    ),
    InitiativeSpec(
        "Eastmoor youth music nights",
        Theme.YOUNG_PEOPLE,
        Stage.PAUSED,
        "Young people in Eastmoor say there is nothing to do on Friday evenings.",
        "Monthly music nights run with young people at the community centre.",
        "Young people aged 13 to 19.",
    ),
    InitiativeSpec(
        "Hollowmead lunch club",
        Theme.OLDER_PEOPLE,
        Stage.IN_ACTION,
        "The lunch club closed when the church hall was sold.",
        "Restart a weekly lunch club in a new venue with volunteer drivers.",
        "Older residents who would otherwise eat alone.",
    ),
    InitiativeSpec(
        "Dunmere tenants' repair watch",
        Theme.HOUSING,
        Stage.PLANNING,
        "Repairs on the Dunmere estate take months and tenants don't know who to ask.",
        "A tenants' group that logs repairs and meets the housing team quarterly.",
        "Tenants of the Dunmere estate.",
    ),
    InitiativeSpec(
        "Safer crossing at Millbrook Ash school",
        Theme.TRANSPORT,
        Stage.GATHERING_SUPPORT,
        "Children cross a busy road to reach Millbrook Ash primary school.",
        "A zebra crossing and a 20 mph zone outside the school.",
        "Pupils, parents and carers.",
    ),
    InitiativeSpec(
        "Westwater mural project",
        Theme.ARTS,
        Stage.CLOSED,
        "The underpass at Westwater is dark and covered in graffiti.",
        "A mural designed with local schools.",
        "Everyone who walks through the underpass.",
    ),
    InitiativeSpec(
        "Alderwick repair café",
        Theme.OTHER,
        Stage.IN_ACTION,
        "Broken things go to landfill when they could be fixed.",
        "A monthly repair café where volunteers fix items with their owners.",
        "Anyone with something broken, and people who like fixing things.",
    ),
    InitiativeSpec(
        "Bramblefield pocket park",
        Theme.GREEN_SPACES,
        Stage.IN_ACTION,
        "The empty corner plot on Bramble Road is a magnet for litter.",
        "A small park with seating, planting and a little free library.",
        "Neighbours of Bramble Road and people waiting for the bus.",
    ),
    InitiativeSpec(
        "Kestrel Rise street lighting",
        Theme.SAFETY,
        Stage.IN_ACTION,
        "The footpath to Kestrel Rise station is unlit and people avoid it after dark.",
        "Working lights along the footpath.",
        "Commuters and residents walking home at night.",
    ),
    InitiativeSpec(
        "Central library open evenings",
        Theme.ARTS,
        Stage.IN_ACTION,
        "The library closes at 5pm, before most working people can visit.",
        "Volunteer-supported opening until 8pm twice a week.",
        "Working residents, students and families.",
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
    Initiative.objects.filter(slug__startswith=DEMO_SLUG_PREFIX).delete()
    wards = list(borough.wards.values())
    residents = borough.residents
    resident_account = borough.accounts.get("resident")
    officer = borough.accounts.get("officer")
    councillors_by_ward: dict[int, list[int]] = {}
    for councillor in borough.councillors.values():
        for term in councillor.terms.all():
            if term.is_current():
                councillors_by_ward.setdefault(term.ward_id, []).append(councillor.pk)
    initiatives: list[Initiative] = []
    for index, spec in enumerate(SPECS):
        ward = wards[index % len(wards)]
        lead = residents[index * 7]
        if index == 0 and resident_account is not None and resident_account.ward is not None:
            # The demo resident leads the first initiative, in their own ward.
            lead, ward = resident_account, resident_account.ward
        started = now - datetime.timedelta(days=300 - index * 15)
        initiative = Initiative.objects.create(
            title=spec.title,
            slug=DEMO_SLUG_PREFIX + spec.title.lower().replace("'", "").replace(" ", "-"),
            problem=spec.problem,
            change_wanted=spec.change,
            who_for=spec.who_for,
            theme=spec.theme,
            visibility=spec.visibility,
            stage=spec.stage,
            created_by=lead,
            latitude=None if spec.visibility == Visibility.SAFEGUARDED else _centre(ward)[1],
            longitude=None if spec.visibility == Visibility.SAFEGUARDED else _centre(ward)[0],
            location_text="" if spec.visibility == Visibility.SAFEGUARDED else ward.name,
            stage_changed_at=now - datetime.timedelta(days=20),
        )
        Initiative.objects.filter(pk=initiative.pk).update(created_at=started)
        InitiativeWard.objects.create(initiative=initiative, ward=ward)
        _people(initiative, lead, residents, rng)
        if spec.visibility == Visibility.SAFEGUARDED:
            _invitations(initiative, lead, resident_account, residents, now)
        _timeline(initiative, spec.stage, lead, started, rng)
        _needs_and_updates(initiative, spec, lead, now, rng)
        initiatives.append(initiative)
    supports = _support(initiatives, councillors_by_ward, borough, now, rng)
    cases = _cases(supports, borough, officer, now)
    borough.counts["initiatives"] = len(initiatives)
    borough.counts["supports"] = len(supports)
    borough.counts["advocacy cases"] = cases


def _centre(ward: Ward) -> tuple[float, float]:
    box = (ward.min_lon, ward.min_lat, ward.max_lon, ward.max_lat)
    if None in box:
        raise ValueError(f"Demo ward {ward.gss_code} has no boundary")
    min_lon, min_lat, max_lon, max_lat = (float(v or 0) for v in box)
    return ((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)


def _people(initiative: Initiative, lead: User, residents: list[User], rng: random.Random) -> None:
    Membership.objects.create(
        initiative=initiative, user=lead, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
    )
    others = [r for r in rng.sample(residents, 12) if r.pk != lead.pk]
    members, requested, backers = others[:4], others[4:5], others[5:]
    Membership.objects.bulk_create(
        [
            Membership(
                initiative=initiative,
                user=u,
                role=MemberRole.MEMBER,
                status=MembershipStatus.APPROVED,
                decided_by=lead,
                decided_at=timezone.now(),
            )
            for u in members
        ]
        + [
            Membership(
                initiative=initiative,
                user=u,
                status=MembershipStatus.REQUESTED,
                message="I live nearby and would like to help.",
            )
            for u in requested
        ]
    )
    if initiative.visibility == Visibility.PUBLIC:
        Backing.objects.bulk_create([Backing(initiative=initiative, user=u) for u in backers])


def _invitations(
    initiative: Initiative,
    lead: User,
    invitee: User | None,
    residents: list[User],
    now: datetime.datetime,
) -> None:
    """A safeguarded initiative grows only by invitation: one member joined that way, and one
    invitation waits (for the demo resident when there is one, so it can be tried out)."""
    joined = (
        Membership.objects.filter(
            initiative=initiative, role=MemberRole.MEMBER, status=MembershipStatus.APPROVED
        )
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    if joined is not None:
        joined.invited_by, joined.invited_at = lead, now - datetime.timedelta(days=30)
        joined.invitation_message = "We met at the drop-in. You would be very welcome."
        joined.decided_by, joined.decided_at = joined.user, now - datetime.timedelta(days=28)
        joined.save(
            update_fields=[
                "invited_by",
                "invited_at",
                "invitation_message",
                "decided_by",
                "decided_at",
            ]
        )
    inside = set(Membership.objects.filter(initiative=initiative).values_list("user_id", flat=True))
    if invitee is None or invitee.pk in inside:
        invitee = next((r for r in residents if r.pk not in inside), None)
    if invitee is None:
        return
    Membership.objects.create(
        initiative=initiative,
        user=invitee,
        status=MembershipStatus.INVITED,
        invited_by=lead,
        invited_at=now - datetime.timedelta(days=2),
        invitation_message="Our group meets on Thursday evenings. Join us if you would like to.",
    )
    Notification.objects.create(
        recipient=invitee,
        kind=Kind.INVITATION,
        # As invitation_create words it; only the email is discreet (notifications.discreet).
        text=f"{lead.public_name} invited you to join {initiative.title}",
        url=initiative.get_absolute_url() + "#invitation",
        initiative=initiative,
    )


def _timeline(
    initiative: Initiative, stage: Stage, lead: User, started: datetime.datetime, rng: random.Random
) -> None:
    previous = ""
    for step, to_stage in enumerate(_stages_to(stage)):
        StageChange.objects.create(
            initiative=initiative,
            from_stage=previous,
            to_stage=to_stage,
            note="" if step == 0 else rng.choice(_STAGE_NOTES),
            changed_by=lead,
            changed_at=started + datetime.timedelta(days=step * 30),
        )
        previous = to_stage


_STAGE_NOTES = (
    "Agreed at our meeting in the community centre.",
    "Enough neighbours have backed it to go ahead.",
    "We have a plan and a date.",
    "Waiting for the venue to reopen.",
)


def _needs_and_updates(
    initiative: Initiative,
    spec: InitiativeSpec,
    lead: User,
    now: datetime.datetime,
    rng: random.Random,
) -> None:
    Need.objects.bulk_create(
        [
            Need(
                initiative=initiative,
                kind=NeedKind.VOLUNTEERS,
                description="Helpers on the day.",
                volunteers_wanted=rng.randint(3, 12),
                when="Saturday mornings",
            ),
            Need(
                initiative=initiative,
                kind=NeedKind.MONEY,
                description="Materials and insurance.",
                amount_pence=rng.randint(50, 900) * 100 + rng.choice((0, 50)),
                status=NeedStatus.MET if spec.stage == Stage.ACHIEVED else NeedStatus.OPEN,
            ),
            Need(
                initiative=initiative,
                kind=rng.choice(
                    [k for k in NeedKind if k not in (NeedKind.VOLUNTEERS, NeedKind.MONEY)]
                ),
                description="Anyone who can help with this, please get in touch.",
            ),
        ]
    )
    if spec.stage in (Stage.IDEA,):
        return
    for _ in range(3):
        Update.objects.create(
            initiative=initiative,
            author=lead,
            text=rng.choice(_UPDATES),
        )
    Milestone.objects.bulk_create(
        [
            Milestone(
                initiative=initiative,
                title="First meeting",
                due_on=(now - datetime.timedelta(days=120)).date(),
                done_on=(now - datetime.timedelta(days=118)).date(),
            ),
            Milestone(
                initiative=initiative,
                title="Launch day",
                due_on=(now + datetime.timedelta(days=40)).date(),
            ),
        ]
    )
    if spec.stage == Stage.ACHIEVED:
        Outcome.objects.create(
            initiative=initiative,
            what_changed="Twenty fruit trees planted and cared for by a rota of neighbours.",
            for_whom="About 300 households and the 200 pupils of the school next door.",
            evidence="Fly-tipping reports fell from 14 to 1 in a year; the harvest fed two fairs.",
            recorded_by=lead,
        )


_UPDATES = (
    "We met at the community centre and agreed the next steps.",
    "Thank you to everyone who came along on Saturday.",
    "We now have a date with the council's team to talk about permission.",
    "The first session went well: fourteen people came.",
)


def _support(
    initiatives: list[Initiative],
    councillors_by_ward: dict[int, list[int]],
    borough: Borough,
    now: datetime.datetime,
    rng: random.Random,
) -> list[Support]:
    """Support of all three kinds in every status, and help requests waiting and taken."""
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
        for offset, kind in enumerate(SupportKind):
            status = statuses[(index + offset) % len(statuses)]
            if kind == SupportKind.ADVOCATE and initiative.stage in (
                Stage.IN_ACTION,
                Stage.PLANNING,
            ):
                status = SupportStatus.IN_PROGRESS
            offered = now - datetime.timedelta(days=90 - offset * 10)
            support = Support.objects.create(
                initiative=initiative,
                councillor_id=ward_councillors[offset % len(ward_councillors)],
                kind=kind,
                description=_SUPPORT_TEXT[kind],
                status=status,
                decided_at=None
                if status == SupportStatus.OFFERED
                else offered + datetime.timedelta(days=2),
                done_at=offered + datetime.timedelta(days=30)
                if status == SupportStatus.DONE
                else None,
                helped=rng.choice(list(Helped)) if status == SupportStatus.DONE else "",
                feedback=_FEEDBACK if status == SupportStatus.DONE else "",
                feedback_by=initiative.created_by if status == SupportStatus.DONE else None,
                feedback_at=offered + datetime.timedelta(days=32)
                if status == SupportStatus.DONE
                else None,
            )
            Support.objects.filter(pk=support.pk).update(offered_at=offered)
            supports.append(support)
        # Help requests: one waiting (overdue on every other initiative), one taken.
        waiting = HelpRequest.objects.create(
            initiative=initiative,
            kind=SupportKind.CONNECT,
            message="Can you introduce us to someone in the council who can help with a venue?",
            requested_by=initiative.created_by,
        )
        waited_days = 12 if index % 2 else 1
        HelpRequest.objects.filter(pk=waiting.pk).update(
            created_at=now - datetime.timedelta(days=waited_days),
            overdue_since=now - datetime.timedelta(days=waited_days - 7)
            if waited_days > 7
            else None,
        )
        taken_by = ward_councillors[0]
        taken = HelpRequest.objects.create(
            initiative=initiative,
            kind=SupportKind.FACILITATE,
            message="Could you chair a meeting between us and the neighbours who disagree?",
            requested_by=initiative.created_by,
            status=HelpRequestStatus.TAKEN,
            taken_by_id=taken_by,
            taken_at=now - datetime.timedelta(days=40),
        )
        HelpRequest.objects.filter(pk=taken.pk).update(
            created_at=now - datetime.timedelta(days=40 + rng.randint(1, 6))
        )
        supports.append(
            Support.objects.create(
                initiative=initiative,
                councillor_id=taken_by,
                kind=SupportKind.FACILITATE,
                description="I will chair the meeting at the community centre.",
                status=SupportStatus.PLANNED,
                help_request=taken,
                decided_at=now - datetime.timedelta(days=40),
            )
        )
    return supports


_SUPPORT_TEXT = {
    SupportKind.FACILITATE: "I can host a meeting with the neighbours and keep it on track.",
    SupportKind.CONNECT: "I'll introduce you to the council's community development officer.",
    SupportKind.ADVOCATE: "I'll raise this with the department and follow it up.",
}
_FEEDBACK = "The introduction got us a meeting within a week. Thank you."


def _cases(
    supports: list[Support], borough: Borough, officer: User | None, now: datetime.datetime
) -> int:
    """One advocacy case in each status, raised from advocate support in progress."""
    departments = list(borough.departments.values())
    advocates = [
        s
        for s in supports
        if s.kind == SupportKind.ADVOCATE and s.status == SupportStatus.IN_PROGRESS
    ]
    count = 0
    for (status, decision), support in zip(_CASES, advocates, strict=False):
        department = departments[count % len(departments)]
        case = AdvocacyCase.objects.create(
            support=support,
            department=department,
            ask=f"Please help {support.initiative.title} with what it needs from the council.",
            evidence="Over 60 residents backed it; photos and a petition are on the initiative.",
            outcome_wanted="A decision and a named contact in the department.",
            wanted_by=(now + datetime.timedelta(days=-10 if count == 1 else 30)).date(),
            status=status,
            decision=decision or "",
            decision_reasons=_REASONS[decision] if decision else "",
            decided_at=now - datetime.timedelta(days=5) if decision else None,
        )
        author = support.councillor.user or support.initiative.created_by
        CaseMessage.objects.create(case=case, author=author, text="Raised on behalf of the group.")
        if officer is not None and status != CaseStatus.RAISED:
            CaseMessage.objects.create(
                case=case, author=officer, text="Thank you: we are looking at this."
            )
            CaseMessage.objects.create(
                case=case,
                author=officer,
                text="Internal: check the budget line before we reply.",
                internal=True,
                department=case.department,
            )
        count += 1
    return count


_REASONS = {
    Decision.AGREED: "The department can fund this from the neighbourhood budget this year.",
    Decision.PARTLY_AGREED: "We can provide the venue but not the equipment this year.",
    Decision.DECLINED: "The land is earmarked for housing; we have suggested two other sites.",
}
