"""Pages about places: find your area, councils, wards and councillors."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grassroots.core.files import serve_private_file
from grassroots.places import maps, selectors
from grassroots.places.forms import FindAreaForm, PointForm
from grassroots.places.models import Council


@require_safe
def find_area(request: HttpRequest) -> HttpResponse:
    """Postcode (or map point) to ward. Errors re-show the home page with what was typed."""
    if "lat" in request.GET or "lon" in request.GET:
        point = PointForm(request.GET)
        if not point.is_valid():
            form = FindAreaForm.with_problem(point.problem())
        else:
            ward = selectors.ward_for_point(
                lon=point.cleaned_data["lon"], lat=point.cleaned_data["lat"]
            )
            if ward is not None:
                return redirect(ward)
            form = FindAreaForm.with_problem(
                _("We could not find a ward at that location. Enter a postcode instead.")
            )
        return render(request, "core/home.html", {"form": form})
    if "postcode" not in request.GET:
        # Nothing was asked yet (a bookmark or a typed address): the question is on the home page.
        return redirect("home")
    form = FindAreaForm(request.GET)
    if form.is_valid() and form.ward is not None:
        return redirect(form.ward)
    return render(request, "core/home.html", {"form": form})


@require_safe
def council_list(request: HttpRequest) -> HttpResponse:
    return render(request, "places/council_list.html", {"councils": selectors.councils_list()})


@require_safe
def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_object_or_404(Council, slug=slug)
    wards = list(selectors.council_wards(council))
    return render(
        request,
        "places/council_detail.html",
        {
            "council": council,
            "wards": wards,
            "map": maps.ward_map(wards),
            "geojson": maps.ward_geojson(wards),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@require_safe
def ward_detail(request: HttpRequest, council: str, slug: str) -> HttpResponse:
    ward = selectors.ward_detail(council_slug=council, slug=slug)
    if ward is None:
        raise Http404
    terms = selectors.ward_current_terms(ward)
    return render(
        request,
        "places/ward_detail.html",
        {
            "ward": ward,
            "terms": terms,
            "some_not_on_site": any(not t.councillor.uses_site for t in terms),  # type: ignore[attr-defined]
            "map": maps.ward_map([ward]),
            # Initiatives by stage, open needs and waiting help requests (visible ones only).
            "activity": selectors.ward_activity(request.user, ward),
        },
    )


@require_safe
def councillor_photo(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A councillor's photo: public, like the profile it belongs to."""
    councillor = selectors.councillor_detail(slug=slug)
    if councillor is None:
        raise Http404
    return serve_private_file(request, councillor.photo, public=True)


@require_safe
def councillor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    councillor = selectors.councillor_detail(slug=slug)
    if councillor is None:
        raise Http404
    today = timezone.localdate()
    terms = selectors.councillor_terms(councillor)
    return render(
        request,
        "places/councillor_detail.html",
        {
            "councillor": councillor,
            "current_terms": [t for t in terms if t.ends_on is None or t.ends_on >= today],
            "past_terms": [t for t in terms if t.ends_on is not None and t.ends_on < today],
            # What the councillor did, counted only on initiatives this viewer may see.
            "record": selectors.councillor_record(request.user, councillor),
        },
    )
