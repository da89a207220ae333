"""Demo directory of local help in the Brookmere demo borough (a step of `demo.seed.STEPS`).

Fourteen organisations (charities, community groups, faith groups and the council's own
services) with seventeen services, each at a place with a real demo postcode (chosen from the
borough's live postcodes by this step's own generator, the first at the demo resident's
postcode so "near me" finds something), with opening times, languages, access and contacts.
Listings are written as an Open Referral UK import writes them, with ids derived from their
names, so a re-run updates them in place. The demo resident owns one community group whose
listing was last checked over a year ago, so its "is this still correct?" page has something to
ask; one new listing waits in the editors' queue, suggested by a demo resident through
`directory.services.suggestion_create` as the suggestion form does.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from grassroots.demo.borough import Borough
from grassroots.directory import services
from grassroots.directory.models import (
    Contact,
    Language,
    ListingStatus,
    Location,
    Need,
    Organization,
    OrganizationKind,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from grassroots.directory.models_suggestions import Suggestion, SuggestionStatus

_NAMESPACE = uuid.UUID("5b0d3c1e-2f7a-4c55-9a51-2d6f0e4b7a90")
OWNED_BY_RESIDENT = "Brookmere Allotment Friends"
PENDING_SUGGESTION = "Saturday repair café"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    need: Need
    description: str
    who_for: str
    cost: str
    how_to_access: str
    place: str
    accessibility: str
    hours: tuple[tuple[int, int, int], ...] = ()  # (weekday, opens hour, closes hour)
    eligibility: str = ""
    languages: tuple[str, ...] = ("English",)
    phone: str = ""


@dataclass(frozen=True)
class OrgSpec:
    name: str
    kind: OrganizationKind
    description: str
    services: tuple[ServiceSpec, ...] = field(default_factory=tuple)


STEP_FREE = "Step-free entrance, accessible toilet and a hearing loop."
STAIRS = "First floor, no lift. Ring ahead and we will meet you downstairs."

SPECS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "Brookmere Food Bank",
        OrganizationKind.CHARITY,
        "Emergency food for anyone in crisis.",
        (
            ServiceSpec(
                "Emergency food parcels",
                Need.FOOD,
                "Three days of food, and toiletries.",
                "Anyone in the borough who cannot afford food.",
                "Free",
                "Get a voucher from Citizens Advice, a GP or a school, then bring it to the hall.",
                "St Luke's Hall",
                STEP_FREE,
                ((1, 10, 13), (4, 10, 13)),
                "A voucher from a referral partner.",
                ("English", "Polish", "Urdu"),
                "01632 960101",
            ),
            ServiceSpec(
                "Community pantry",
                Need.FOOD,
                "Choose ten items of food for £4 a week.",
                "Members living in Brookmere.",
                "£4 a visit",
                "Join on your first visit; bring proof of address.",
                "Mill Road Pantry",
                STEP_FREE,
                ((2, 12, 16),),
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Citizens Advice",
        OrganizationKind.CHARITY,
        "Free, independent advice on money, work, housing and rights.",
        (
            ServiceSpec(
                "Debt and benefits advice",
                Need.MONEY,
                "Help with debts, benefits and dealing with bills.",
                "Anyone living or working in Brookmere.",
                "Free",
                "Drop in, or phone to book an appointment.",
                "Advice Centre, Market Street",
                STEP_FREE,
                ((0, 9, 16), (2, 9, 16), (3, 9, 13)),
                "",
                ("English", "Punjabi"),
                "01632 960102",
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Borough Council: Housing Options",
        OrganizationKind.COUNCIL_SERVICE,
        "The council's housing advice team.",
        (
            ServiceSpec(
                "Help if you are homeless or at risk",
                Need.HOUSING,
                "Advice and emergency accommodation if you have nowhere to stay.",
                "Anyone who is homeless or may lose their home in the next 8 weeks.",
                "Free",
                "Phone us; out of hours, phone the emergency line.",
                "Civic Centre",
                STEP_FREE,
                ((0, 9, 17), (1, 9, 17), (2, 9, 17), (3, 9, 17), (4, 9, 16)),
                "",
                ("English",),
                "01632 960103",
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Borough Council: Libraries",
        OrganizationKind.COUNCIL_SERVICE,
        "Books, computers and help to get online.",
        (
            ServiceSpec(
                "Digital help sessions",
                Need.WORK,
                "One-to-one help with computers, phones and forms online.",
                "Adults who want help getting online.",
                "Free",
                "Book at the library desk or just drop in.",
                "Central Library",
                STEP_FREE,
                ((3, 14, 16),),
            ),
        ),
    ),
    OrgSpec(
        "Marsh Lane Mosque",
        OrganizationKind.FAITH_GROUP,
        "A mosque and community centre open to all.",
        (
            ServiceSpec(
                "Community lunch",
                Need.LONELINESS,
                "A hot lunch and good company, every Friday after prayers.",
                "Everyone, of any faith or none.",
                "Free",
                "Just come along.",
                "Marsh Lane Mosque",
                STEP_FREE,
                ((4, 13, 15),),
                "",
                ("English", "Urdu", "Bengali"),
            ),
        ),
    ),
    OrgSpec(
        "St Luke's Church",
        OrganizationKind.FAITH_GROUP,
        "A parish church with a busy hall.",
        (
            ServiceSpec(
                "Warm space",
                Need.LONELINESS,
                "A warm room with tea, newspapers and board games in winter.",
                "Anyone who wants a warm place to spend the day.",
                "Free",
                "Just come along.",
                "St Luke's Hall",
                STEP_FREE,
                ((0, 10, 15), (2, 10, 15)),
            ),
            ServiceSpec(
                "Toddler group",
                Need.FAMILY,
                "Play, songs and a snack for under-fives and their grown-ups.",
                "Children under five with a parent or carer.",
                "£1 a family",
                "Just come along.",
                "St Luke's Hall",
                STEP_FREE,
                ((1, 9, 11),),
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Mind",
        OrganizationKind.CHARITY,
        "Support for anyone with a mental health problem.",
        (
            ServiceSpec(
                "Listening line",
                Need.MENTAL_HEALTH,
                "Talk in confidence to a trained volunteer.",
                "Adults in Brookmere who are struggling.",
                "Free",
                "Phone the line in the evening.",
                "Mind Wellbeing Centre",
                STAIRS,
                ((0, 18, 22), (3, 18, 22)),
                "Aged 18 or over.",
                ("English",),
                "01632 960104",
            ),
            ServiceSpec(
                "Peer support group",
                Need.MENTAL_HEALTH,
                "Meet others who understand, led by people with lived experience.",
                "Adults living with anxiety or depression.",
                "Free",
                "Phone or email to join.",
                "Mind Wellbeing Centre",
                STAIRS,
                ((2, 18, 20),),
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Women's Aid",
        OrganizationKind.CHARITY,
        "Help for anyone affected by domestic abuse.",
        (
            ServiceSpec(
                "Domestic abuse support",
                Need.SAFETY,
                "Confidential advice, safety planning and refuge.",
                "Anyone experiencing domestic abuse.",
                "Free",
                "Phone the helpline. In an emergency, call 999.",
                "Women's Aid office (address given on the phone)",
                "Step-free; details given when you phone.",
                ((0, 9, 17), (1, 9, 17), (2, 9, 17), (3, 9, 17), (4, 9, 17)),
                "",
                ("English", "Polish", "Urdu"),
                "01632 960105",
            ),
        ),
    ),
    OrgSpec(
        OWNED_BY_RESIDENT,
        OrganizationKind.COMMUNITY_GROUP,
        "Shared plots, seeds and know-how.",
        (
            ServiceSpec(
                "Community growing plot",
                Need.LONELINESS,
                "Grow vegetables together, and take some home.",
                "Anyone who wants to grow food; no experience needed.",
                "Free",
                "Come on a Saturday morning.",
                "Brook Fields allotments",
                "Level paths and raised beds; no toilet on site.",
                ((5, 10, 12),),
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Credit Union",
        OrganizationKind.CHARITY,
        "Savings and fair loans.",
        (
            ServiceSpec(
                "Affordable loans",
                Need.MONEY,
                "Small loans at a fair rate, instead of doorstep lenders.",
                "Members who live or work in Brookmere.",
                "Interest from 3% a month",
                "Join online or at the office.",
                "Advice Centre, Market Street",
                STEP_FREE,
                ((1, 10, 14),),
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Young Carers",
        OrganizationKind.CHARITY,
        "Breaks and support for young carers.",
        (
            ServiceSpec(
                "Young carers club",
                Need.FAMILY,
                "Activities, trips and someone to talk to.",
                "Young people aged 8 to 18 who care for someone at home.",
                "Free",
                "A parent, school or social worker can refer.",
                "Youth Centre, Station Road",
                STEP_FREE,
                ((2, 16, 18),),
                "Aged 8 to 18.",
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Job Club",
        OrganizationKind.COMMUNITY_GROUP,
        "Volunteers helping people back into work.",
        (
            ServiceSpec(
                "CV and interview help",
                Need.WORK,
                "Help with CVs, applications and practising interviews.",
                "Anyone looking for work.",
                "Free",
                "Drop in.",
                "Central Library",
                STEP_FREE,
                ((0, 10, 12),),
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Law Centre",
        OrganizationKind.CHARITY,
        "Free legal advice for people who cannot pay for it.",
        (
            ServiceSpec(
                "Housing and immigration advice",
                Need.ADVICE,
                "Advice and representation from solicitors.",
                "People on low incomes.",
                "Free",
                "Phone to book an appointment.",
                "Advice Centre, Market Street",
                STEP_FREE,
                ((3, 10, 16),),
                "A low income; we check on the phone.",
                ("English", "Arabic"),
                "01632 960106",
            ),
        ),
    ),
    OrgSpec(
        "Brookmere Good Neighbours",
        OrganizationKind.COMMUNITY_GROUP,
        "Neighbours helping older neighbours.",
        (
            ServiceSpec(
                "Befriending visits",
                Need.LONELINESS,
                "A volunteer visits or phones for a chat every week.",
                "Older people who feel alone.",
                "Free",
                "Phone us, or ask a relative to.",
                "Good Neighbours office",
                STAIRS,
                (),
                "",
                ("English",),
                "01632 960107",
            ),
        ),
    ),
)


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, "/".join(parts))


def seed_directory(borough: Borough) -> None:
    rng = borough.rng("directory")
    live = sorted(p for p, row in borough.postcodes.items() if row.terminated_on is None)
    home = borough.dataset.account("resident").postcode
    places = sorted({s.place for o in SPECS for s in o.services})
    chosen = [home, *rng.sample([p for p in live if p != home], len(places) - 1)]
    postcode_of = dict(zip(places, chosen, strict=True))
    today = timezone.localdate()
    owner = borough.accounts["resident"]
    locations: dict[str, Location] = {}
    for place in places:
        row = borough.postcodes[postcode_of[place]]
        locations[place], _ = Location.objects.update_or_create(
            id=_id("location", place),
            defaults={
                "name": place,
                "address_1": place,
                "city": "Brookmere",
                "postcode": row.postcode,
                "latitude": row.latitude,
                "longitude": row.longitude,
            },
        )
    service_count = 0
    for number, spec in enumerate(SPECS):
        owned = spec.name == OWNED_BY_RESIDENT
        checked = today - datetime.timedelta(days=400 if owned else 20 + 9 * number)
        organization, _ = Organization.objects.update_or_create(
            id=_id("organization", spec.name),
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "description": spec.description,
                "listing_status": ListingStatus.APPROVED,
                "owner": owner if owned else None,
                "last_checked": checked,
                "owner_asked_at": None,
            },
        )
        for service_spec in spec.services:
            _service(organization, service_spec, locations, checked)
            service_count += 1
    author = borough.residents[0] if borough.residents else owner
    if not Suggestion.objects.filter(
        proposed__name=PENDING_SUGGESTION, status=SuggestionStatus.PENDING
    ).exists():
        services.suggestion_create(
            actor=author,
            proposed={
                "organization_name": "Brookmere Repair Café",
                "organization_kind": OrganizationKind.COMMUNITY_GROUP,
                "name": PENDING_SUGGESTION,
                "need": Need.OTHER,
                "description": "Bring broken things; volunteers help you mend them.",
                "who_for": "Everyone.",
                "cost": "Free, donations welcome",
                "how_to_access": "Just turn up with the broken thing.",
                "address_1": "St Luke's Hall",
                "city": "Brookmere",
                "postcode": postcode_of["St Luke's Hall"],
            },
            note="I go every month; it is not in the directory yet.",
        )
    borough.counts["directory organisations"] = len(SPECS)
    borough.counts["directory services"] = service_count


def _service(
    organization: Organization,
    spec: ServiceSpec,
    locations: dict[str, Location],
    checked: datetime.date,
) -> None:
    service, _ = Service.objects.update_or_create(
        id=_id("service", organization.name, spec.name),
        defaults={
            "organization": organization,
            "name": spec.name,
            "need": spec.need,
            "description": spec.description,
            "who_for": spec.who_for,
            "eligibility": spec.eligibility,
            "cost": spec.cost,
            "is_free": spec.cost == "Free",
            "how_to_access": spec.how_to_access,
            "listing_status": ListingStatus.APPROVED,
            "last_checked": checked,
        },
    )
    location = locations[spec.place]
    Location.objects.filter(pk=location.pk).update(accessibility=spec.accessibility)
    ServiceAtLocation.objects.filter(service=service).exclude(location=location).delete()
    ServiceAtLocation.objects.get_or_create(service=service, location=location)
    service.schedules.all().delete()
    for weekday, opens, closes in spec.hours:
        Schedule.objects.create(
            service=service,
            weekday=weekday,
            opens_at=datetime.time(opens),
            closes_at=datetime.time(closes),
        )
    service.languages.all().delete()
    for name in spec.languages:
        Language.objects.create(service=service, name=name)
    service.contacts.all().delete()
    if spec.phone:
        contact = Contact.objects.create(service=service, name=organization.name)
        Phone.objects.create(contact=contact, number=spec.phone)
