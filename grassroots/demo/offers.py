"""Offers of help around Brookmere (a step of `grassroots.demo.seed.STEPS`).

About fifteen residents offer time, skills, equipment and space near the demo's public
initiatives, made through the services; the demo resident offers a skill too. One lead has
asked for an introduction to the demo resident's offer (waiting for their answer) and another
introduction has been accepted by both sides. Each run deletes the demo's offers and makes
them again.
"""

from __future__ import annotations

from grassroots.demo.borough import Borough
from grassroots.demo.initiatives import demo_initiatives
from grassroots.directory import services_offers as services
from grassroots.directory.models_offers import Offer
from grassroots.directory.selectors_offers import NEED_TO_OFFER, initiative_point
from grassroots.initiatives.models import Need, NeedStatus, Visibility
from grassroots.places.models import Postcode

# (kind, title, description, key words, days, parts of day, miles)
OFFERS: tuple[tuple[str, str, str, str, list[int], list[str], int], ...] = (
    ("time", "Saturday helper", "Happy to lend a hand on the day.", "helpers", [5], ["morning"], 3),
    ("time", "Weekend volunteer", "Free most weekends.", "helpers, events", [5, 6], [], 5),
    (
        "time",
        "Evening volunteer",
        "After work, a couple of evenings.",
        "helpers",
        [],
        ["evening"],
        2,
    ),
    (
        "skill",
        "Retired accountant",
        "Budgets and book-keeping for groups.",
        "money, accounts",
        [],
        [],
        5,
    ),
    ("skill", "Graphic designer", "Posters and leaflets.", "publicity, posters", [], [], 10),
    ("skill", "Planning advice", "Twenty years in planning.", "advice, planning", [2], [], 5),
    ("skill", "Photographer", "Photos for your updates.", "publicity, photos", [5, 6], [], 8),
    (
        "equipment",
        "Gazebo and tables",
        "A gazebo and six trestle tables.",
        "gazebo, tables",
        [],
        [],
        4,
    ),
    (
        "equipment",
        "Garden tools",
        "Spades, forks, rakes and gloves.",
        "tools, gardening",
        [],
        [],
        3,
    ),
    ("equipment", "PA system", "Speakers and a microphone.", "sound, events", [], [], 6),
    ("equipment", "Van with driver", "A van for moving things.", "van, moving", [5], [], 15),
    ("space", "Church hall", "A hall for up to 80 people.", "hall, meetings", [], [], 0),
    ("space", "Back room at the café", "Quiet room for 12.", "meetings", [], ["evening"], 0),
    ("space", "Community garden plot", "Space to grow.", "garden", [], [], 0),
    ("skill", "First aid trainer", "First aid sessions for volunteers.", "first aid", [5], [], 6),
)
_POSTCODES: list[Postcode] = []
RESIDENT_OFFER: tuple[str, str, str, str, list[int], list[str], int] = (
    "skill",
    "Help with websites",
    "I can set up a simple website or social media page for a group.",
    "publicity, websites",
    [],
    ["evening"],
    5,
)


def seed_offers(borough: Borough) -> None:
    demo_emails = [user.email for user in borough.residents] + [
        user.email for user in borough.accounts.values()
    ]
    Offer.objects.filter(owner__email__in=demo_emails).delete()
    initiatives = list(
        demo_initiatives(borough.council)
        .filter(visibility=Visibility.PUBLIC, needs__status=NeedStatus.OPEN)
        .distinct()
        .prefetch_related("wards")
        .order_by("pk")
    )
    points = [p for p in (initiative_point(i) for i in initiatives) if p is not None]
    if not points or not borough.residents:
        return
    _POSTCODES[:] = list(borough.postcodes.values())
    leads = {i.created_by_id for i in initiatives}
    offerers = [r for r in borough.residents if r.pk not in leads]
    for n, (kind, title, description, tags, days, parts, miles) in enumerate(OFFERS):
        latitude, longitude = points[n % len(points)]
        services.offer_create(
            actor=offerers[n % len(offerers)],
            details=_details(
                kind, title, description, tags, days, parts, miles, latitude + 0.002, longitude
            ),
        )
    resident = borough.accounts.get("resident")
    if resident is None:
        return
    kind, title, description, tags, days, parts, miles = RESIDENT_OFFER
    latitude, longitude = points[0]
    mine = services.offer_create(
        actor=resident,
        details=_details(kind, title, description, tags, days, parts, miles, latitude, longitude),
    )
    # A lead asks for an introduction to the demo resident's offer; it waits for their answer.
    needs = Need.objects.filter(
        initiative__in=initiatives, status=NeedStatus.OPEN, kind__in=list(NEED_TO_OFFER)
    ).select_related("initiative")
    asking = next((n for n in needs if n.initiative.created_by_id != resident.pk), None)
    if asking is not None:
        services.introduction_send(
            actor=asking.initiative.created_by,
            need=asking,
            offer=mine,
            message="Could you help us set up a page for the group?",
        )
    # The demo resident, as a lead, asked for one and it was accepted.
    own = next((n for n in needs if n.initiative.created_by_id == resident.pk), None)
    helper = Offer.objects.filter(title="Saturday helper").first()
    if own is not None and helper is not None:
        helper.kind = NEED_TO_OFFER[own.kind]
        helper.save(update_fields=["kind"])
        introduction = services.introduction_send(
            actor=resident, need=own, offer=helper, message="We would love your help."
        )
        services.introduction_answer(actor=helper.owner, introduction=introduction, accept=True)
    borough.counts["offers"] = Offer.objects.filter(owner__email__in=demo_emails).count()


def _details(
    kind: str,
    title: str,
    description: str,
    tags: str,
    days: list[int],
    parts: list[str],
    miles: int,
    latitude: float,
    longitude: float,
) -> services.OfferDetails:
    postcode = min(
        (p for p in _POSTCODES if p.latitude is not None and p.longitude is not None),
        key=lambda p: (p.latitude - latitude) ** 2 + (p.longitude - longitude) ** 2,  # type: ignore[operator]
        default=None,
    )
    return services.OfferDetails(
        kind=kind,
        title=title,
        description=description,
        tags=tags.split(", "),
        days=days,
        parts_of_day=parts,
        when_text="",
        postcode=postcode.postcode if postcode else "",
        latitude=postcode.latitude if postcode and postcode.latitude else latitude,
        longitude=postcode.longitude if postcode and postcode.longitude else longitude,
        area_name="Brookmere",
        travel_miles=miles,
    )
