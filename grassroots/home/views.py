"""The home page (find your area, and what is on near you), the site search, and the ward and
councillor pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from grassroots.accounts.selectors import private_user_fields
from grassroots.core import pagecache
from grassroots.home import selectors
from grassroots.home.forms import SearchForm
from grassroots.places import maps
from grassroots.places import selectors as places_selectors
from grassroots.places.forms import FindAreaForm
from grassroots.places.models import CouncillorTerm, Ward
from grassroots.support.selectors import councillor_record

# The kinds whose full list of matches lives on the search page itself (the initiatives and
# groups lists have their own search box, so their "see all" links go there).
LISTED_HERE = ("conversations", "events")
PAGE_SIZE = 20


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home/home.html",
        {
            "form": FindAreaForm(),
            "search_form": SearchForm(),
            # The two blank forms and the text around them are the same for everyone.
            "forms_kept_as": pagecache.unchanging("home.forms"),
            "near": selectors.near_you(request.user),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """/search/?q=: a few of each kind that match; ?kind= lists every match of one kind."""
    if "q" not in request.GET:
        return render(request, "home/search.html", {"form": SearchForm()})
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "home/search.html", {"form": form})
    text = form.cleaned_data["q"]
    kind = request.GET.get("kind", "")
    if kind in LISTED_HERE:
        terms = selectors.search_terms(text)
        matches = (
            selectors.matching_conversations(request.user, terms)
            if kind == "conversations"
            else selectors.matching_events(request.user, terms)
        )
        page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "home/search_kind.html",
            {"form": form, "kind": kind, "page": page, "text": " ".join(terms)},
        )
    return render(
        request,
        "home/search.html",
        {"form": form, "results": selectors.site_search(request.user, text)},
    )


# The ward and councillor pages are places' pages, but they show what happens there (initiatives,
# support, conversations, groups, events), so they are composed here, above all of those apps.
# Their addresses keep the names `places:ward` and `places:councillor` (see grassroots/urls.py).


@dataclass(frozen=True)
class _WardPage:
    ward: Ward
    terms: list[CouncillorTerm]
    map: maps.WardMap | None


def _ward_page(council: str, slug: str) -> _WardPage | None:
    ward = places_selectors.ward_detail(council_slug=council, slug=slug)
    if ward is None:
        return None
    terms = places_selectors.ward_current_terms(ward, defer=private_user_fields("councillor__user"))
    return _WardPage(ward, terms, maps.ward_map([ward]))


@require_safe
def ward_detail(request: HttpRequest, council: str, slug: str) -> HttpResponse:
    # The ward, its sitting councillors and its map are public and the same for everyone, so
    # they are kept for the page generation and the day (`pagecache.shared`); the blocks below
    # them keep their own, by what the reader may see.
    parts = (council, slug, timezone.localdate().isoformat())
    found = pagecache.shared("home.ward_page", parts, lambda: _ward_page(council, slug))
    if found is None:
        raise Http404
    return render(
        request,
        "home/ward_detail.html",
        {
            "ward": found.ward,
            "terms": found.terms,
            "some_not_on_site": any(not t.councillor.uses_site for t in found.terms),  # type: ignore[attr-defined]
            "map": found.map,
            "kept_as": pagecache.kept_as("home.ward_page", parts),
        },
    )


@require_safe
def councillor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    councillor = places_selectors.councillor_detail(slug=slug)
    if councillor is None:
        raise Http404
    today = timezone.localdate()
    terms = places_selectors.councillor_terms(councillor)
    return render(
        request,
        "home/councillor_detail.html",
        {
            "councillor": councillor,
            "current_terms": [t for t in terms if t.ends_on is None or t.ends_on >= today],
            "past_terms": [t for t in terms if t.ends_on is not None and t.ends_on < today],
            # What the councillor did, counted only on initiatives this viewer may see.
            "record": councillor_record(request.user, councillor),
        },
    )
