"""Demo case studies in the Brookmere demo borough (a step of `grassroots.demo.seed.STEPS`).

Eight published stories, written for Brookmere, across the themes councillors most asked to
learn from: residents tackling domestic abuse and mental ill health, promoting tourism and
volunteering, securing a future for a green space, and more. Each tells what councillors did
in all three supporting roles. The domestic abuse story is anonymised, as a story from a
safeguarded initiative always is.

One more story is in review: the leads of the achieved Fennick Lane community orchard started
it from their initiative (pre-filled) and sent it to the editors, so the demo editor's queue
shows it.

The editor's stories are started through the services as an editor would. Each is kept
across runs (found by its title in the demo council) and its text set again; the orchard's
story is made afresh with its initiative, so re-running leaves the same nine stories.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from grassroots.demo.borough import Borough
from grassroots.funding.models import Fund
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, MemberRole, Membership, MembershipStatus
from grassroots.learning import services_cases as services
from grassroots.learning.models_cases import CaseStatus, CaseStudy, CaseTheme
from grassroots.places.models import Ward


@dataclass(frozen=True)
class CaseSpec:
    title: str
    summary: str
    themes: tuple[str, ...]
    place_type: str
    result: str
    challenge: str
    residents_did: str
    facilitate: str
    connect: str
    advocate: str
    council_did: str
    outcomes: str
    evidence: str
    differently: str
    wards: tuple[str, ...] = ()
    anonymised: bool = False
    groups: tuple[str, ...] = field(default=())
    funds: tuple[str, ...] = field(default=())


SPECS: tuple[CaseSpec, ...] = (
    CaseSpec(
        "A peer support group for survivors of domestic abuse",
        "Survivors set up a confidential group with a trained facilitator; councillors "
        "opened doors without ever running it.",
        ("safety",),
        "urban",
        "achieved",
        "Survivors of domestic abuse in the borough had to travel to the city for any group "
        "support, and many could not go without being noticed.",
        "Three survivors met with a worker from a regional charity and agreed what a safe "
        "group would need: a trained facilitator, a room nobody would connect with them, and "
        "childcare.\n\n- They wrote their own ground rules.\n- They ran a pilot of six sessions.\n"
        "- They now meet every fortnight, and the group chooses its own topics.",
        "A ward councillor hosted the first planning meeting in a neutral room and then stepped "
        "back: she did not attend the group itself.",
        "Councillors introduced the group to the community safety team and to a housing officer "
        "who now gives advice on request.",
        "A councillor raised the lack of local provision at the community safety partnership, "
        "which now funds the facilitator's time.",
        "Found a venue through its property team and agreed not to publish its name.",
        "Twelve women came to the pilot; eight still come. Two have moved into safe housing "
        "with advice they first heard at the group.",
        "Attendance records kept by the facilitator, and an anonymous feedback form.",
        "Plan childcare from the very first session; two women could not come until it was there.",
        anonymised=True,
    ),
    CaseSpec(
        "Walk and talk: residents' answer to loneliness and low mood",
        "A weekly walk became a peer support network for people living with mental ill health.",
        ("health",),
        "suburban",
        "achieved",
        "GP practices in Brookmere Central saw many people with low mood who were waiting "
        "months for talking therapy and rarely left home.",
        "Two residents with lived experience trained as walk leaders and started a weekly "
        "walk that ends in a café. People who came began to run their own sessions on sleep, "
        "money worries and getting back to work.",
        "A councillor chaired a meeting between the walkers and two GP practices so that the "
        "practices could refer people, without taking the group over.",
        "Councillors connected the group with the leisure trust (free hot drinks) and the "
        "local mental health charity (training for leaders).",
        "A councillor asked the health and wellbeing board to count social prescribing "
        "groups in its plan, which now lists the walk.",
        "Printed leaflets and put the walk on the council's social prescribing directory.",
        "Up to thirty walkers a week; most say they feel less alone.",
        "A short wellbeing score taken at the start and after three months (WEMWBS).",
        "Ask the GP practices earlier: referrals only started after six months.",
        wards=("Brookmere Central",),
    ),
    CaseSpec(
        "Castle Fold on the map: a heritage trail run by residents",
        "Residents turned local history into a walking trail that brings visitors to the "
        "high street.",
        ("tourism", "arts"),
        "rural",
        "achieved",
        "Visitors drove through Castle Fold on the way to the coast and shops were closing.",
        "A local history group wrote twelve stops, pupils drew the map, and businesses paid "
        "for the boards. Volunteers lead guided walks on summer Saturdays.",
        "A councillor hosted a meeting between the history group, shopkeepers and the "
        "landowner of the castle mound, who had never met.",
        "Councillors introduced the group to the county tourism officer, who put the trail "
        "in the visitor guide.",
        "A councillor asked highways to allow brown tourist signs on the main road, and got "
        "them after a year.",
        "Gave permission for boards on council land and a small grant from the ward budget.",
        "Guided walks are full most weekends; two empty shops have reopened.",
        "Footfall counts before and after, and the visitor guide's figures.",
        "Agree early who maintains the boards: two were damaged and nobody knew whose job it was.",
        wards=("Castle Fold",),
    ),
    CaseSpec(
        "The volunteer passport: one induction for every group in Dunmere",
        "Groups shared one volunteer induction, so people could help in more than one place.",
        ("volunteering",),
        "suburban",
        "partly",
        "Every group asked new volunteers for the same checks and training, and many gave up "
        "before starting.",
        "Six groups agreed a shared induction and a 'passport' card. Volunteers now do one "
        "session and can help at the food bank, the repair café and the youth club.",
        "A councillor brought the six groups together at a surgery in the community centre "
        "and let them run the meeting.",
        "Councillors connected the groups with the council's volunteering lead and a local "
        "employer offering staff volunteering days.",
        "A councillor asked for the council's own volunteer checks to accept the passport, "
        "which is still being considered.",
        "Lent a training room and a printer.",
        "Ninety passports issued in the first year; a third of holders help in two places.",
        "The groups' own volunteer registers.",
        "Bring the council's safeguarding lead in at the start, not at the end.",
        wards=("Dunmere",),
    ),
    CaseSpec(
        "Saving Brookmere Park's meadow",
        "Residents secured a long-term future for a green space that was earmarked for sale.",
        ("green_spaces",),
        "urban",
        "achieved",
        "A corner of the park was listed for disposal to help balance the council's budget.",
        "Friends of the park surveyed its wildlife, gathered 1,200 signatures and wrote a "
        "management plan showing they could look after it. They now hold a 25-year lease.",
        "A councillor chaired a public meeting in the park itself, where the council's "
        "property officer answered residents' questions.",
        "Councillors introduced the friends group to the wildlife trust, whose survey made "
        "the case, and to a solicitor who worked for free on the lease.",
        "A councillor took the petition to full council and asked the cabinet to withdraw "
        "the disposal, which it did.",
        "Granted a community lease with a small maintenance grant for five years.",
        "The meadow is kept; volunteers have planted 2,000 bulbs and a school uses it weekly.",
        "The wildlife survey, the lease and the volunteers' log.",
        "Start the survey before the campaign: it took a whole season to complete.",
        wards=("Brookmere Central",),
        groups=("Friends of Brookmere Park",),
        funds=("Riverside Big Local",),
    ),
    CaseSpec(
        "Safer crossings outside Greywell Green school",
        "Parents gathered evidence and won a crossing by working with officers, not against them.",
        ("transport", "young_people"),
        "suburban",
        "achieved",
        "Children crossed a busy road with no crossing to reach school.",
        "Parents counted traffic for two weeks, mapped near misses and met the road safety "
        "team with their figures.",
        "A councillor set up a meeting at the school gate with parents and the road safety "
        "officer.",
        "Councillors connected the parents with the police speed watch scheme.",
        "A councillor put the crossing forward for the highways capital programme.",
        "Built a zebra crossing and a 20mph zone.",
        "The crossing opened after 18 months; speeds fell.",
        "Speed surveys before and after.",
        "Share the traffic counts with officers sooner: they used them in their own bid.",
        wards=("Greywell Green",),
    ),
    CaseSpec(
        "Warm spaces in Alderwick's halls",
        "Three halls opened as warm spaces run by volunteers through a hard winter.",
        ("older_people", "volunteering"),
        "rural",
        "ongoing",
        "Older residents were cutting back on heating and spending days alone.",
        "Volunteers opened three village halls on weekday afternoons with soup, games and "
        "advice on energy bills.",
        "A councillor facilitated a meeting of the hall committees to agree opening days.",
        "Councillors connected the halls with the energy advice charity and the library's "
        "digital help sessions.",
        "A councillor asked the council to waive hall hire for warm spaces, which it did for "
        "the winter.",
        "Waived hall hire and publicised the warm spaces.",
        "Around 60 visits a week; 40 households got energy advice.",
        "Sign-in sheets and the charity's advice records.",
        "Agree transport for people who cannot walk to the hall.",
        wards=("Alderwick",),
    ),
    CaseSpec(
        "Young people's say on the Bramblefield skate park",
        "Young people designed the skate park they wanted, and the council built it.",
        ("young_people", "arts"),
        "urban",
        "stopped",
        "Young people were moved on from the shopping precinct with nowhere else to go.",
        "A youth forum ran a survey, visited three skate parks and drew a design with a "
        "landscape architect. The first site fell through; they learned a lot and are trying "
        "another.",
        "A councillor hosted the forum's meetings in the youth centre and let the young "
        "people chair them.",
        "Councillors connected the forum with the parks team and a skate park designer.",
        "A councillor argued for the project in the budget round; funding was delayed a year.",
        "Offered a site, later withdrawn after a ground survey.",
        "No skate park yet, but the forum now meets the parks team every quarter.",
        "The forum's survey of 300 young people.",
        "Check the ground conditions of a site before spending months on a design.",
        wards=("Bramblefield",),
    ),
)

ORCHARD = "Fennick Lane community orchard"


def _published_at(n: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=20 + 17 * n)


def _seed_one(borough: Borough, spec: CaseSpec, n: int) -> CaseStudy:
    editor = borough.accounts["editor"]
    council = borough.council
    case = CaseStudy.objects.filter(council=council, title=spec.title).first()
    if case is None:
        case = services.case_study_create(actor=editor, council=council, title=spec.title)
    wards = list(Ward.objects.filter(council=council, name__in=spec.wards))
    groups = list(Group.objects.filter(council=council, name__in=spec.groups))
    funds = list(Fund.objects.filter(council=council, name__in=spec.funds))
    values = {
        name: getattr(spec, name)
        for name in (
            "title",
            "summary",
            "place_type",
            "result",
            *services.TEXT_FIELDS,
            "anonymised",
        )
    }
    CaseStudy.objects.filter(pk=case.pk).update(
        **values, status=CaseStatus.PUBLISHED, published_at=_published_at(n)
    )
    case.refresh_from_db()
    case.wards.set([] if spec.anonymised else wards)
    case.groups.set(groups)
    case.funds.set(funds)
    CaseTheme.objects.filter(case_study=case).delete()
    CaseTheme.objects.bulk_create([CaseTheme(case_study=case, theme=t) for t in spec.themes])
    return case


def _seed_in_review(borough: Borough) -> CaseStudy | None:
    orchard = Initiative.objects.filter(title=ORCHARD, wards__council=borough.council).first()
    if orchard is None:
        return None
    case = CaseStudy.objects.filter(initiative=orchard).first()
    if case is not None:
        return case
    lead = (
        Membership.objects.filter(
            initiative=orchard, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if lead is None:
        return None
    case = services.case_study_start(actor=lead.user, initiative=orchard)
    text = services.CaseText(
        title=case.title,
        summary="Neighbours turned a fly-tipped strip into an orchard the school shares.",
        themes=["green_spaces"],
        place_type="suburban",
        result="achieved",
        challenge=case.challenge,
        residents_did=case.residents_did,
        facilitate=case.facilitate,
        connect=case.connect,
        advocate=case.advocate,
        outcomes=case.outcomes,
        evidence=case.evidence,
        differently="Ask the school to join from the first meeting.",
        wards=list(case.wards.all()),
        events=list(case.events.all()),
        funds=list(case.funds.all()),
    )
    services.case_study_update(actor=lead.user, case=case, text=text)
    return services.case_study_submit(actor=lead.user, case=case)


def seed_case_studies(borough: Borough) -> None:
    # The initiatives step makes its initiatives afresh, so a story from one is made afresh too
    # (its old initiative is gone); anything else in the demo council is not the demo's.
    CaseStudy.objects.filter(council=borough.council).exclude(
        title__in=[spec.title for spec in SPECS], initiative__isnull=True
    ).delete()
    published = [_seed_one(borough, spec, n) for n, spec in enumerate(SPECS)]
    in_review = _seed_in_review(borough)
    borough.counts["case studies"] = len(published) + (1 if in_review else 0)
