"""Reads about offers and introductions, each a fixed number of queries whatever the data.

`need_matches` is what an initiative's leads see under its needs: each open need's best offers
nearby, from `matching.py` (the pure matcher). Needs have no key words of their own, so a need
is given its kind (every offer of that kind fits it in part) and the offers' key words that
appear in its description or "when"; its days and times of day are read from the same words
("Saturday mornings").
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from grassroots.accounts.types import Viewer
from grassroots.directory import matching
from grassroots.directory.models import Organization
from grassroots.directory.models_offers import (
    MAX_TRAVEL_MILES,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferKind,
    OfferStatus,
    PartOfDay,
)
from grassroots.directory.rules_offers import organised_group_ids
from grassroots.initiatives.models import Initiative, Need, NeedKind, NeedStatus

# What kind of offer meets each kind of need (money and permission are not offered here).
NEED_TO_OFFER: dict[str, str] = {
    NeedKind.VOLUNTEERS: OfferKind.TIME,
    NeedKind.SKILLS: OfferKind.SKILL,
    NeedKind.ADVICE: OfferKind.SKILL,
    NeedKind.PUBLICITY: OfferKind.SKILL,
    NeedKind.VENUE: OfferKind.SPACE,
    NeedKind.EQUIPMENT: OfferKind.EQUIPMENT,
}
# How far an initiative's people will go to use a space or collect equipment.
NEED_REACH_MILES = 2.0
MATCHES_PER_NEED = 5
# At most this many open offers are matched for one page (the nearest are not chosen by the
# database, so a town with more than this many open offers of the kinds asked sees some of them).
MAX_CANDIDATES = 5000
MILES_PER_DEGREE_LATITUDE = 69.0
KIND_TAG = "*"

_DAY_WORDS = {
    "monday": (0,),
    "tuesday": (1,),
    "wednesday": (2,),
    "thursday": (3,),
    "friday": (4,),
    "saturday": (5,),
    "sunday": (6,),
    "weekday": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
}
_PART_WORDS = {
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "night": "evening",
}


def slots_from(days: list[int], parts: list[str]) -> frozenset[matching.Slot] | None:
    """Weekly slots from chosen days and times of day; None when neither is given."""
    if not days and not parts:
        return None
    chosen_days = days or list(range(7))
    chosen_parts = parts or list(PartOfDay.values)
    return frozenset(
        (day, part)  # type: ignore[misc]
        for day, part in itertools.product(chosen_days, chosen_parts)
    )


def slots_in_words(text: str) -> frozenset[matching.Slot] | None:
    """The days and times of day a need's words name ("Saturday mornings"), if any."""
    words = re.findall(r"[a-z]+", text.casefold())
    days: set[int] = set()
    parts: set[str] = set()
    for word in words:
        stem = word.removesuffix("s")
        days.update(_DAY_WORDS.get(stem, ()))
        if stem in _PART_WORDS:
            parts.add(_PART_WORDS[stem])
    return slots_from(sorted(days), sorted(parts))


def open_offers(viewer: Viewer, kind: str = "") -> QuerySet[Offer]:
    qs = Offer.objects.filter(status=OfferStatus.OPEN).select_related("organization")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def offerer_q(viewer: Viewer) -> Q:
    """Offers `viewer` answers for: their own and their organisations'."""
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    return (
        Q(owner_id=viewer.pk)
        | Q(organization__owner_id=viewer.pk)
        | Q(organization__group_id__in=organised_group_ids(viewer))
    )


def my_offers(viewer: Viewer) -> QuerySet[Offer]:
    return Offer.objects.filter(offerer_q(viewer)).select_related("organization")


def offer_for(viewer: Viewer, pk: int) -> Offer | None:
    """The offer if `viewer` may see it (open, or theirs); None otherwise."""
    offer = Offer.objects.select_related("organization", "owner").filter(pk=pk).first()
    if offer is None or not viewer.has_perm("directory.see_offer", offer):
        return None
    return offer


def _introductions() -> QuerySet[Introduction]:
    return Introduction.objects.select_related(
        "need__initiative", "offer__organization", "offer__owner", "sent_by"
    )


def introductions_to_answer(viewer: Viewer, limit: int = 50) -> list[Introduction]:
    """Introductions to `viewer`'s offers, waiting ones first."""
    qs = _introductions().filter(offer__in=Offer.objects.filter(offerer_q(viewer)))
    return sorted(qs.order_by("-created_at")[:limit], key=lambda i: i.status != "waiting")


def introductions_sent(viewer: Viewer, limit: int = 50) -> list[Introduction]:
    if not viewer.is_authenticated:
        return []
    return list(_introductions().filter(sent_by_id=viewer.pk).order_by("-created_at")[:limit])


def introduction_for(viewer: Viewer, pk: int) -> Introduction | None:
    """The introduction if `viewer` is on either side of it; None otherwise."""
    introduction = _introductions().filter(pk=pk).first()
    if introduction is None or not viewer.has_perm("directory.see_introduction", introduction):
        return None
    return introduction


def need_for_lead(viewer: Viewer, pk: int) -> Need | None:
    """An open or met need that `viewer` may send introductions for."""
    need = Need.objects.select_related("initiative").filter(pk=pk).first()
    if need is None or not viewer.has_perm("directory.introduce", need):
        return None
    return need


@dataclass
class OfferMatch:
    offer: Offer
    distance_miles: float
    score: float
    introduction: Introduction | None = None


@dataclass
class NeedMatches:
    need: Need
    offer_kind: str
    matches: list[OfferMatch] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)


def initiative_point(initiative: Initiative) -> tuple[float, float] | None:
    """The initiative's own point, else the middle of its first ward's bounding box."""
    if initiative.latitude is not None and initiative.longitude is not None:
        return initiative.latitude, initiative.longitude
    for ward in initiative.wards.all():
        if None not in (ward.min_lat, ward.max_lat, ward.min_lon, ward.max_lon):
            return (
                (ward.min_lat + ward.max_lat) / 2,  # type: ignore[operator]
                (ward.min_lon + ward.max_lon) / 2,  # type: ignore[operator]
            )
    return None


def _need_tags(need: Need, vocabulary: set[str]) -> frozenset[str]:
    text = " " + matching.normalise_tag(re.sub(r"[^\w]+", " ", f"{need.description} {need.when}"))
    text += " "
    found = {tag for tag in vocabulary if f" {tag} " in text}
    return frozenset({KIND_TAG, *found})


def _offer_tags(offer: Offer) -> frozenset[str]:
    tags = {matching.normalise_tag(re.sub(r"[^\w]+", " ", tag)) for tag in offer.tag_list}
    return frozenset({KIND_TAG, *(tag for tag in tags if tag)})


def need_matches(
    viewer: Viewer,
    initiative: Initiative,
    per_need: int = MATCHES_PER_NEED,
    needs_shown: list[Need] | None = None,
) -> list[NeedMatches]:
    """Each open need that offers can meet, with its best offers nearby (at most three queries:
    the needs, unless the page has them already, the offers near, the introductions)."""
    if needs_shown is None:
        needs_shown = list(Need.objects.filter(initiative=initiative).order_by("created_at", "pk"))
    needs = [
        need
        for need in needs_shown
        if need.status == NeedStatus.OPEN and need.kind in NEED_TO_OFFER
    ]
    if not needs:
        return []
    results = [NeedMatches(need=need, offer_kind=NEED_TO_OFFER[need.kind]) for need in needs]
    point = initiative_point(initiative)
    offers: dict[int, Offer] = {}
    if point is not None:
        latitude, longitude = point
        reach = MAX_TRAVEL_MILES + NEED_REACH_MILES
        dlat = reach / MILES_PER_DEGREE_LATITUDE
        dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
        candidates = (
            Offer.objects.filter(
                status=OfferStatus.OPEN,
                kind__in={r.offer_kind for r in results},
                latitude__range=(latitude - dlat, latitude + dlat),
                longitude__range=(longitude - dlon, longitude + dlon),
            )
            .exclude(owner_id=viewer.pk)
            .select_related("organization", "owner")
            .order_by("pk")[:MAX_CANDIDATES]
        )
        offers = {offer.pk: offer for offer in candidates}
    introductions = list(
        _introductions().filter(need__in=needs).order_by("-created_at")[: 50 * len(needs)]
    )
    by_pair = {(i.need_id, i.offer_id): i for i in introductions}
    for result in results:
        result.introductions = [i for i in introductions if i.need_id == result.need.pk]
    if not offers or point is None:
        return results
    vocabulary = {tag for offer in offers.values() for tag in _offer_tags(offer)} - {KIND_TAG}
    index = matching.OfferIndex(
        matching.Offer(
            id=offer.pk,
            kind=offer.kind,  # type: ignore[arg-type]
            tags=_offer_tags(offer),
            latitude=offer.latitude,
            longitude=offer.longitude,
            travel_miles=float(offer.travel_miles),
            slots=slots_from(list(offer.days), list(offer.parts_of_day)),
        )
        for offer in offers.values()
    )
    wanted = [
        matching.Need(
            id=result.need.pk,
            kind=result.offer_kind,  # type: ignore[arg-type]
            tags=_need_tags(result.need, vocabulary),
            latitude=point[0],
            longitude=point[1],
            reach_miles=NEED_REACH_MILES,
            slots=slots_in_words(f"{result.need.when} {result.need.description}"),
        )
        for result in results
    ]
    found = dict(index.match(wanted, k=per_need))
    for result in results:
        result.matches = [
            OfferMatch(
                offer=offers[m.offer_id],
                distance_miles=m.distance_miles,
                score=m.score,
                introduction=by_pair.get((result.need.pk, m.offer_id)),
            )
            for m in found.get(result.need.pk, [])
        ]
    return results


def waiting_count(viewer: Viewer) -> int:
    return (
        Introduction.objects.filter(
            offer__in=Offer.objects.filter(offerer_q(viewer)), status=IntroductionStatus.WAITING
        ).count()
        if viewer.is_authenticated
        else 0
    )


def organizations_looked_after(viewer: Viewer) -> list[Organization]:
    """The organisations `viewer` may offer help for: listings they own, and those of the
    groups they organise."""
    if not viewer.is_authenticated:
        return []
    mine = Q(owner_id=viewer.pk) | Q(group_id__in=organised_group_ids(viewer))
    return list(Organization.objects.filter(mine).order_by("name")[:50])
