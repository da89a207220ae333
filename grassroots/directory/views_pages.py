"""The directory's pages: search by need and distance, a listing's pages, suggestions, the
editors' queue and an owner's yearly check. Thin: reads in selectors.py, writes in services.py.
Nothing here needs JavaScript; the map is drawn on the server as SVG.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.directory import search, selectors, services
from grassroots.directory.forms import (
    DEFAULT_MILES,
    CorrectionForm,
    ListingForm,
    RejectForm,
    SearchForm,
)
from grassroots.directory.models import Organization
from grassroots.directory.models_suggestions import Suggestion, SuggestionKind, SuggestionStatus
from grassroots.directory.search import Point
from grassroots.places.geometry import Projection

MAP_WIDTH = 600.0


@dataclass(frozen=True)
class MapPoint:
    result: selectors.Result
    number: int
    x: float
    y: float


@dataclass(frozen=True)
class DistanceMap:
    view_box: str
    centre_x: float
    centre_y: float
    radius: float
    points: list[MapPoint]


def _distance_map(centre: Point, miles: float, found: list[selectors.Result]) -> DistanceMap:
    """The search circle, square on the page, with each result's nearest location in it."""
    box = search.bounding_box(centre, miles)
    dlat = box.max_lat - centre.latitude
    dlon = dlat / math.cos(math.radians(centre.latitude))
    bbox = (
        centre.longitude - dlon,
        centre.latitude - dlat,
        centre.longitude + dlon,
        centre.latitude + dlat,
    )
    projection = Projection(bbox, width=MAP_WIDTH)
    cx, cy = projection.point(centre.longitude, centre.latitude)
    points = []
    for number, result in enumerate(found, start=1):
        loc = result.location
        if loc is None or loc.latitude is None or loc.longitude is None:
            continue
        x, y = projection.point(loc.longitude, loc.latitude)
        points.append(MapPoint(result=result, number=number, x=x, y=y))
    return DistanceMap(
        view_box=f"0 0 {MAP_WIDTH:g} {projection.height:g}",
        centre_x=cx,
        centre_y=cy,
        radius=round(MAP_WIDTH / 2 / 1.001, 1),
        points=points,
    )


@require_safe
def directory_search(request: HttpRequest) -> HttpResponse:
    searching = any(request.GET.get(key) for key in ("q", "need", "postcode", "miles"))
    form = SearchForm(request.GET if searching else None, initial={"miles": DEFAULT_MILES})
    centre: Point | None = None
    miles: float | None = None
    page = None
    found: list[selectors.Result] = []
    distance_map = None
    if not searching or form.is_valid():
        data = form.cleaned_data if searching else {}
        centre = data.get("point")
        miles = data.get("miles_value") if centre is not None else None
        qs = selectors.search_services(
            request.user,
            words=data.get("q", ""),
            need=data.get("need", ""),
            centre=centre,
            miles=miles,
        )
        page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        found = selectors.results(list(page), centre)
        if centre is not None and miles is not None:
            distance_map = _distance_map(centre, miles, found)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "searching": searching,
            "page": page,
            "results": found,
            "centre": centre,
            "miles": miles,
            "map": distance_map,
        },
    )


@require_safe
def organization_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    organization = selectors.organization_detail(request.user, pk)
    if organization is None:
        raise Http404
    listed = selectors.organization_services(request.user, organization)
    return render(
        request,
        "directory/organization.html",
        {
            "organization": organization,
            "services": listed,
            "last_checked": selectors.last_checked(organization, listed),
            "may_confirm": request.user.has_perm("directory.confirm", organization),
        },
    )


@require_safe
def service_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = selectors.service_detail(request.user, pk)
    if service is None:
        raise Http404
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "organization": service.organization,
            "locations": [link.location for link in service.service_at_locations.all()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("listing_suggestion")
def suggest_listing(request: HttpRequest) -> HttpResponse:
    require(request.user, "directory.suggest", None)
    form = ListingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_create(
                actor=actor_of(request),
                proposed=form.proposed(),
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Thank you. An editor will check your suggestion before it is listed")
            )
            return redirect("directory:search")
    return render(request, "directory/suggest.html", {"form": form, "service": None})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("listing_suggestion")
def suggest_correction(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    service = selectors.service_detail(request.user, pk)
    if service is None:
        raise Http404
    require(request.user, "directory.suggest", service)
    initial = {key: getattr(service, key) for key in [*services.SERVICE_FIELDS, "need"]}
    form = CorrectionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_create(
                actor=actor_of(request),
                service=service,
                proposed=form.proposed(),
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Thank you. An editor will check your correction before it is shown")
            )
            return redirect("directory:service", pk=service.pk)
    return render(request, "directory/suggest.html", {"form": form, "service": service})


@login_required
@require_safe
def suggestion_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "directory.review", None)
    page = Paginator(selectors.pending_suggestions(), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "directory/queue.html", {"page": page, "suggestions": list(page)})


@login_required
@require_safe
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(pk)
    if suggestion is None:
        raise Http404
    require(request.user, "directory.review", suggestion)
    return _suggestion_page(request, suggestion, RejectForm())


def _suggestion_page(
    request: HttpRequest, suggestion: Suggestion, reject_form: RejectForm
) -> HttpResponse:
    labels = {name: field.label for name, field in ListingForm.base_fields.items()}
    current = suggestion.service
    rows = [
        {
            "label": labels.get(key, key),
            "value": value,
            "was": getattr(current, key, "")
            if current is not None and suggestion.kind == SuggestionKind.CORRECTION
            else None,
        }
        for key, value in suggestion.proposed.items()
    ]
    return render(
        request,
        "directory/suggestion.html",
        {
            "suggestion": suggestion,
            "rows": rows,
            "form": reject_form,
            "pending": suggestion.status == SuggestionStatus.PENDING,
        },
        status=400 if reject_form.errors else 200,
    )


@login_required
@require_POST
def suggestion_approve(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(pk)
    if suggestion is None:
        raise Http404
    try:
        service = services.suggestion_approve(actor=actor_of(request), suggestion=suggestion)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("directory:suggestion", pk=pk)
    messages.success(request, _("Approved: %(name)s is now listed") % {"name": service.name})
    return redirect("directory:queue")


@login_required
@require_POST
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = selectors.suggestion_detail(pk)
    if suggestion is None:
        raise Http404
    require(request.user, "directory.review", suggestion)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.suggestion_reject(
                actor=actor_of(request), suggestion=suggestion, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("The suggestion was rejected"))
            return redirect("directory:queue")
    return _suggestion_page(request, suggestion, form)


@login_required
@require_http_methods(["GET", "POST"])
def listing_confirm(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    require(request.user, "directory.confirm", organization)
    if request.method == "POST":
        try:
            services.listing_confirm(actor=actor_of(request), organization=organization)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you. The listing is marked as checked today"))
            return redirect("directory:organization", pk=organization.pk)
    listed = list(organization.services.order_by("name", "id")[:200])
    return render(
        request,
        "directory/confirm.html",
        {
            "organization": organization,
            "services": listed,
            "last_checked": selectors.last_checked(organization, listed),
        },
    )
