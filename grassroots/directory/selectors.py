"""Reads for the directory's pages: the search, a listing's page, the editors' queue.

Every list is bounded (paged, or a fixed few queries whatever the number of rows): the search
is a count, a page of services and one prefetch of their locations.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from enum import Enum

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.types import Viewer
from grassroots.directory import search
from grassroots.directory.models import (
    Contact,
    ListingStatus,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from grassroots.directory.models_suggestions import Suggestion, SuggestionStatus
from grassroots.directory.search import Point
from grassroots.directory.visibility import visible_organizations, visible_services
from grassroots.places.models import Postcode
from grassroots.places.postcodes import normalise_postcode

PAGE_SIZE = 20
RECHECK_AFTER = datetime.timedelta(days=365)


class PostcodeProblem(Enum):
    NOT_A_POSTCODE = "not_a_postcode"
    UNKNOWN = "unknown"
    TERMINATED = "terminated"


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str | None
    point: Point | None
    problem: PostcodeProblem | None = None


def postcode_point(text: str) -> PostcodePoint:
    """The point of a postcode from the ONS directory (`places.Postcode`), or what is wrong."""
    postcode = normalise_postcode(text)
    if postcode is None:
        return PostcodePoint(None, None, PostcodeProblem.NOT_A_POSTCODE)
    row = (
        Postcode.objects.filter(postcode=postcode)
        .values("latitude", "longitude", "terminated_on")
        .first()
    )
    if row is None or row["latitude"] is None or row["longitude"] is None:
        return PostcodePoint(postcode, None, PostcodeProblem.UNKNOWN)
    if row["terminated_on"] is not None:
        return PostcodePoint(postcode, None, PostcodeProblem.TERMINATED)
    return PostcodePoint(postcode, Point(row["latitude"], row["longitude"]))


def search_services(
    viewer: Viewer | None,
    *,
    words: str = "",
    need: str = "",
    centre: Point | None = None,
    miles: float | None = None,
) -> QuerySet[Service]:
    """Public services matching the words and need; with a centre, only those with a location
    within `miles`, annotated with `distance` (to the nearest one) and nearest first."""
    qs = visible_services(viewer).filter(search.words_q(words))
    if need:
        qs = qs.filter(need=need)
    qs = qs.select_related("organization")
    if centre is None or miles is None:
        return qs.order_by("name", "id")
    box = search.bounding_box(centre, miles)
    near = qs.filter(search.box_q(box, "service_at_locations__location__"))
    near = near.annotate(
        distance=Min(search.distance_expression(centre, "service_at_locations__location__"))
    )
    return near.filter(distance__lte=miles).order_by("distance", "name", "id")


@dataclass(frozen=True)
class Result:
    service: Service
    location: Location | None  # the nearest location (the first, with no centre)
    distance: float | None


def results(services: list[Service], centre: Point | None) -> list[Result]:
    """A page of services with their nearest location: one query for all their locations."""
    by_service: dict[uuid.UUID, list[Location]] = {s.pk: [] for s in services}
    links = ServiceAtLocation.objects.filter(service__in=services).select_related("location")
    for link in links.order_by("location__name", "location_id"):
        by_service[link.service_id].append(link.location)
    found = []
    for service in services:
        placed = [
            loc
            for loc in by_service[service.pk]
            if loc.latitude is not None and loc.longitude is not None
        ]
        nearest: Location | None
        if centre is not None and placed:
            nearest = min(
                placed,
                key=lambda loc: search.haversine_miles(
                    centre, Point(loc.latitude or 0.0, loc.longitude or 0.0)
                ),
            )
            distance = getattr(service, "distance", None)
        else:
            nearest = by_service[service.pk][0] if by_service[service.pk] else None
            distance = None
        found.append(Result(service=service, location=nearest, distance=distance))
    return found


def organization_detail(viewer: Viewer | None, pk: uuid.UUID) -> Organization | None:
    return visible_organizations(viewer).filter(pk=pk).first()


def organization_services(viewer: Viewer | None, organization: Organization) -> list[Service]:
    return list(
        visible_services(viewer)
        .filter(organization=organization)
        .select_related("organization")
        .order_by("name", "id")[:200]
    )


def service_detail(viewer: Viewer | None, pk: uuid.UUID) -> Service | None:
    return (
        visible_services(viewer)
        .filter(pk=pk)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").order_by(
                    "location__name", "location_id"
                ),
            ),
            Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
            "schedules",
            "languages",
        )
        .first()
    )


def pending_suggestions() -> QuerySet[Suggestion]:
    """The editors' queue, oldest first."""
    return (
        Suggestion.objects.filter(status=SuggestionStatus.PENDING)
        .select_related("author", "service", "service__organization")
        .order_by("created", "id")
    )


def suggestion_detail(pk: int) -> Suggestion | None:
    return (
        Suggestion.objects.filter(pk=pk)
        .select_related("author", "service", "service__organization", "decided_by")
        .first()
    )


def owned_organizations(user: Viewer) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(owner=user).exclude(listing_status=ListingStatus.ARCHIVED)


def last_checked(organization: Organization, services: list[Service]) -> datetime.date | None:
    """When the listing was last checked: the organisation's date, else its oldest service's."""
    dates = [s.last_checked for s in services if s.last_checked is not None]
    return organization.last_checked or (min(dates) if dates else None)


def organizations_to_ask(now: datetime.datetime | None = None) -> QuerySet[Organization]:
    """Approved listings with an owner, last checked over a year ago (or never), not yet asked
    since that check."""
    now = now or timezone.now()
    stale = now.date() - RECHECK_AFTER
    return (
        Organization.objects.filter(
            listing_status=ListingStatus.APPROVED,
            owner__isnull=False,
            owner__is_active=True,
        )
        .filter(Q(last_checked__isnull=True) | Q(last_checked__lt=stale))
        .filter(owner_asked_at__isnull=True)
        .select_related("owner")
        .order_by("pk")
    )
