"""The public side of a fund's money: the spending report, a grant's page, a fund's grants and
their 360Giving downloads. Funds and grants are public; a grant's recipient is withheld from
whoever may not see it (see `funding.reports`)."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from grassroots.funding import giving360, reports
from grassroots.funding.models import Fund


def _fund(slug: str) -> Fund:
    return get_object_or_404(Fund.objects.select_related("council", "partnership"), slug=slug)


def fund_report(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(slug)
    report = reports.fund_report(fund)
    labels = {year: reports.year_label(fund, year) for year in report.years}
    return render(
        request,
        "funding/giving_report.html",
        {
            "fund": fund,
            "report": report,
            "has_grants": giving360.has_grants(fund),
            "by_priority": [(row.title, row.total) for row in report.rows],
            "by_year": [(labels[year], cell) for year, cell in report.year_totals],
            "years": [
                (year, labels[year], [(row.title, cell) for row, cell in rows], total)
                for year, rows, total in report.by_year
            ],
        },
    )


def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = reports.grant_detail(request.user, pk)
    if record is None:
        raise Http404
    grant = record.grant
    return render(
        request,
        "funding/giving_grant.html",
        {
            "record": record,
            "grant": grant,
            # Its money page, for those who may open it (the partnership, the grantee's side).
            "can_see_money": request.user.has_perm("funding.see_grant_money", grant),
            "can_set_asset": request.user.has_perm("funding.set_grant_asset", grant),
        },
    )


def grant_list(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(slug)
    page, lines = reports.grants_page(request.user, fund, request.GET.get("page"))
    return render(
        request, "funding/giving_grants.html", {"fund": fund, "page": page, "lines": lines}
    )


def _no_grants(request: HttpRequest, fund: Fund) -> HttpResponse:
    """A fund with no grants has nothing to publish: a 360Giving file needs at least one, so
    the download is not there yet (a 404 that says why)."""
    return render(request, "funding/giving_no_grants.html", {"fund": fund}, status=404)


def grants_json(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(slug)
    try:
        data = giving360.package(fund)
    except giving360.NoGrants:
        return _no_grants(request, fund)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{fund.slug}-grants-360giving.json"'
    return response


def grants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(slug)
    try:
        text = giving360.csv_text(fund)
    except giving360.NoGrants:
        return _no_grants(request, fund)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{fund.slug}-grants-360giving.csv"'
    return response
