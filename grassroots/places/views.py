"""Pages about places: find your area, councils, wards and councillors."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
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
def councillor_photo(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A councillor's photo: public, like the profile it belongs to."""
    councillor = selectors.councillor_detail(slug=slug)
    if councillor is None:
        raise Http404
    return serve_private_file(request, councillor.photo, public=True)
