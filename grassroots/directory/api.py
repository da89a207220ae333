"""The directory's read API, following Open Referral UK 3.0 (mounted at /api/directory/).

`/` describes the API; `/services` and `/services/{id}` are the profile's required endpoints;
`/organizations`, `/organizations/{id}`, `/service_at_locations` (`postcode` and `proximity`,
in metres, for "near here") and `/service_at_locations/{id}` its optional ones.
Only public listings (see `visibility.py`) are ever answered; a listing that is not public is a
404 like a missing one.
Lists are paged the ORUK way (`page`, `per_page`; `total_items`, `total_pages`, ...); a page
past the end is an empty page, as the profile's `empty` flag expects. Bad parameters are a 422
naming the parameter. Each endpoint makes a fixed number of queries, however many services.
"""

# No `from __future__ import annotations`: django-ninja reads the real annotations at import.

import datetime
import uuid
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from grassroots.directory import oruk, search
from grassroots.directory.models import Service, ServiceAtLocation
from grassroots.directory.selectors import postcode_point
from grassroots.directory.visibility import visible_organizations, visible_services
from grassroots.initiatives.api import MessageOut, ValidationErrorOut

MAX_PER_PAGE = 100
MAX_PROXIMITY_METRES = 100_000
METRES_PER_MILE = 1609.344
POSTCODE_PROBLEMS = {
    "not_a_postcode": "Enter a full UK postcode, like GR3 1BN",
    "unknown": "That postcode is not in the postcode directory",
    "terminated": "That postcode is no longer in use",
}

router = Router(tags=["directory (Open Referral UK)"])


class ApiDetailsOut(Schema):
    version: str
    profile: str
    openapi_url: str


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    per_page: int = Field(
        50, ge=1, le=MAX_PER_PAGE, description=f"Results a page, 1 to {MAX_PER_PAGE}."
    )
    search: str = Field("", max_length=200, description="Words in the name or description.")


class ServiceQuery(PageQuery):
    modified_after: datetime.datetime | None = Field(
        None, description="Only services changed on or after this time (UTC if no offset)."
    )
    organization_id: uuid.UUID | None = Field(
        None, description="Only this organization's services."
    )


class ServiceAtLocationQuery(ServiceQuery):
    postcode: str = Field(
        "", max_length=10, description="Order by distance from this postcode's centre."
    )
    proximity: int | None = Field(
        None,
        ge=1,
        le=MAX_PROXIMITY_METRES,
        description="Only places within this many metres of the postcode (needs `postcode`).",
    )


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _services(request: HttpRequest) -> QuerySet[Service]:
    return (
        visible_services(request.user)
        .select_related("organization")
        .prefetch_related(*oruk.SERVICE_PREFETCH)
    )


def _searched(qs: QuerySet[Any], words: str) -> QuerySet[Any]:
    for word in words.split():
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return qs


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """A time without an offset is UTC."""
    return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment


def _page(contents: list[dict[str, Any]], total: int, query: PageQuery) -> Any:
    return Status(
        200,
        oruk.page(contents, total_items=total, page_number=query.page, per_page=query.per_page),
    )


def _paged(qs: QuerySet[Any], query: PageQuery) -> tuple[list[Any], int]:
    total = qs.count()
    start = (query.page - 1) * query.per_page
    rows = list(qs[start : start + query.per_page]) if start < total else []
    return rows, total


@router.get("/", response=ApiDetailsOut, summary="About this API", url_name="directory_api")
def api_details(request: HttpRequest) -> Any:
    return {
        "version": oruk.ORUK_VERSION,
        "profile": oruk.ORUK_PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }


@router.get(
    "/services",
    response={200: dict[str, Any], 422: ValidationErrorOut},
    summary="List services",
    url_name="directory_services",
)
def list_services(request: HttpRequest, query: Query[ServiceQuery]) -> Any:
    """Public services, fully nested, by name; ORUK's page wrapper."""
    qs = _services(request)
    if query.modified_after is not None:
        qs = qs.filter(modified__gte=_aware(query.modified_after))
    if query.organization_id is not None:
        qs = qs.filter(organization_id=query.organization_id)
    rows, total = _paged(_searched(qs, query.search), query)
    return _page([oruk.service(s) for s in rows], total, query)


@router.get(
    "/services/{id}",
    response={200: dict[str, Any], 404: MessageOut},
    summary="One service, fully nested",
    url_name="directory_service",
)
def get_service(request: HttpRequest, id: str) -> Any:
    key = _uuid(id)
    item = _services(request).filter(pk=key).first() if key else None
    if item is None:
        return Status(404, {"detail": "There is no public service with that id"})
    return Status(200, oruk.service(item))


@router.get(
    "/organizations",
    response={200: dict[str, Any], 422: ValidationErrorOut},
    summary="List organizations",
    url_name="directory_organizations",
)
def list_organizations(request: HttpRequest, query: Query[PageQuery]) -> Any:
    rows, total = _paged(_searched(visible_organizations(request.user), query.search), query)
    return _page([oruk.organization(o) for o in rows], total, query)


@router.get(
    "/organizations/{id}",
    response={200: dict[str, Any], 404: MessageOut},
    summary="One organization with its public services",
    url_name="directory_organization",
)
def get_organization(request: HttpRequest, id: str) -> Any:
    key = _uuid(id)
    services = visible_services(request.user).prefetch_related(*oruk.SERVICE_PREFETCH)
    org = (
        visible_organizations(request.user)
        .filter(pk=key)
        .prefetch_related(Prefetch("services", queryset=services, to_attr="public_services"))
        .first()
        if key
        else None
    )
    if org is None:
        return Status(404, {"detail": "There is no public organization with that id"})
    body = oruk.organization(org)
    public: list[Service] = org.public_services
    body["services"] = [oruk.service(s, with_organization=False) for s in public]
    return Status(200, body)


def _services_at_locations(request: HttpRequest) -> QuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.filter(service__in=visible_services(request.user).values("pk"))
        .select_related("location", "service__organization")
        .prefetch_related(*(f"service__{name}" for name in oruk.SERVICE_PREFETCH))
    )


def _invalid(field: str, message: str) -> Any:
    return Status(422, {"detail": [{"loc": ["query", field], "msg": message}]})


@router.get(
    "/service_at_locations",
    response={200: dict[str, Any], 422: ValidationErrorOut},
    summary="List services at their locations, nearest a postcode first",
    url_name="directory_services_at_locations",
)
def list_services_at_locations(request: HttpRequest, query: Query[ServiceAtLocationQuery]) -> Any:
    """Each public service at each of its locations, with the service nested. With `postcode`,
    nearest first (places without a point last); with `proximity` too, only those within that
    many metres of the postcode's centre."""
    qs = _services_at_locations(request)
    if query.modified_after is not None:
        qs = qs.filter(service__modified__gte=_aware(query.modified_after))
    if query.organization_id is not None:
        qs = qs.filter(service__organization_id=query.organization_id)
    for word in query.search.split():
        qs = qs.filter(Q(service__name__icontains=word) | Q(service__description__icontains=word))
    if query.proximity is not None and not query.postcode.strip():
        return _invalid("proximity", "Give a postcode to measure the distance from")
    if query.postcode.strip():
        found = postcode_point(query.postcode)
        if found.point is None:
            problem = found.problem.value if found.problem else "unknown"
            return _invalid("postcode", POSTCODE_PROBLEMS[problem])
        distance = search.distance_expression(found.point, "location__")
        qs = qs.annotate(miles=distance)
        if query.proximity is not None:
            miles = query.proximity / METRES_PER_MILE
            qs = qs.filter(search.box_q(search.bounding_box(found.point, miles), "location__"))
            qs = qs.filter(miles__lte=miles)
        qs = qs.order_by(F("miles").asc(nulls_last=True), "service__name", "pk")
    else:
        qs = qs.order_by("service__name", "location__name", "pk")
    rows, total = _paged(qs, query)
    return _page([_service_at_location(sal) for sal in rows], total, query)


@router.get(
    "/service_at_locations/{id}",
    response={200: dict[str, Any], 404: MessageOut},
    summary="One service at one location",
    url_name="directory_service_at_location",
)
def get_service_at_location(request: HttpRequest, id: str) -> Any:
    key = _uuid(id)
    item = _services_at_locations(request).filter(pk=key).first() if key else None
    if item is None:
        return Status(404, {"detail": "There is no public service at a location with that id"})
    return Status(200, _service_at_location(item))


def _service_at_location(sal: ServiceAtLocation) -> dict[str, Any]:
    return {**oruk.service_at_location(sal), "service": oruk.service(sal.service)}
