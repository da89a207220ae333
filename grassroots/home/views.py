"""The home page (find your area, and what is on near you) and the site search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from grassroots.home import selectors
from grassroots.home.forms import SearchForm
from grassroots.places.forms import FindAreaForm

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
