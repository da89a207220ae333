"""Places that matter: the list with its map, a place's page, mapping one, nominating it as an
Asset of Community Value, and the council officer's pages (nominations, decisions, notices of
sale). Thin: the forms check the input, the services the rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.directory import acv
from grassroots.directory import selectors_assets as selectors
from grassroots.directory import services_assets as services
from grassroots.directory.forms_assets import (
    AssetFilterForm,
    AssetForm,
    BidRequestForm,
    DecisionForm,
    LinkInitiativeForm,
    NominationForm,
    SaleNoticeForm,
)
from grassroots.directory.models_assets import Asset, Nomination
from grassroots.places.geometry import Projection, union_bbox
from grassroots.places.maps import MAP_WIDTH, WardMap, ward_map
from grassroots.places.models import Council

PAGE_SIZE = 20


@dataclass(frozen=True)
class MapPoint:
    asset: Asset
    x: float
    y: float


def _points_map(assets: list[Asset]) -> tuple[WardMap | None, list[MapPoint]]:
    """The wards of these places drawn as in places.maps, with each place's point."""
    wards = {a.ward.pk: a.ward for a in assets if a.ward is not None}
    drawn = ward_map(list(wards.values()))
    if drawn is None:
        return None, []
    bbox = union_bbox(
        (w.min_lon, w.min_lat, w.max_lon, w.max_lat)
        for w in wards.values()
        if w.geometry
        and w.min_lon is not None
        and w.min_lat is not None
        and w.max_lon is not None
        and w.max_lat is not None
    )
    if bbox is None:
        return None, []
    projection = Projection(bbox, width=MAP_WIDTH)
    points = []
    for asset in assets:
        lon, lat = asset.longitude, asset.latitude
        if lon is None or lat is None:
            continue
        if not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            continue
        x, y = projection.point(lon, lat)
        points.append(MapPoint(asset=asset, x=x, y=y))
    return drawn, points


def right_to_bid(council: Council) -> str:
    """ "england", "wales" or "not_applicable" for the council's pages (acv.jurisdiction)."""
    try:
        return acv.jurisdiction(council.gss_code).value
    except ValueError:
        return acv.Jurisdiction.NOT_APPLICABLE.value


@require_safe
def asset_list(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_with_assets()
    form = AssetFilterForm(request.GET or None, councils=councils)
    filters: dict[str, object] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(selectors.asset_list(**filters), PAGE_SIZE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    assets = list(page.object_list)
    drawn, points = _points_map(assets)
    council = filters.get("council")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/assets/list.html",
        {
            "form": form,
            "page": page,
            "assets": assets,
            "map": drawn,
            "points": points,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "council": council,
            "jurisdiction": right_to_bid(council) if isinstance(council, Council) else "",
            "officer_councils": selectors.officer_councils(request.user),
        },
    )


@login_required
@rate_limited("asset")
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "directory.add_asset")
    form = AssetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert form.ward is not None
        asset = services.asset_create(
            actor=actor_of(request),
            name=data["name"],
            kind=data["kind"],
            ward=form.ward,
            postcode=data["postcode"],
            latitude=form.latitude,
            longitude=form.longitude,
            description=data["description"],
        )
        messages.success(request, _("%(name)s is on the map") % {"name": asset.name})
        return redirect(asset)
    return render(request, "directory/assets/form.html", {"form": form})


def _asset(pk: int) -> Asset:
    asset = selectors.asset_detail(pk)
    if asset is None:
        raise Http404
    return asset


@require_safe
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _asset(pk)
    today = timezone.localdate()
    nominations = list(asset.nominations.all())
    notices = [selectors.notice_view(n, today) for n in asset.sale_notices.all()]
    user = request.user
    can = {
        "nominate": user.has_perm("directory.nominate_asset", asset),
        "record_sale_notice": user.has_perm("directory.record_sale_notice", asset),
        "decide": user.has_perm("directory.decide_nomination", asset),
        "request_to_bid": bool(notices)
        and notices[0].in_interim
        and user.has_perm("directory.request_to_bid", asset),
        "link": user.has_perm("directory.link_initiative", asset),
    }
    return render(
        request,
        "directory/assets/detail.html",
        {
            "asset": asset,
            "nominations": nominations,
            "waiting": next((n for n in nominations if not n.decision), None),
            "notices": notices,
            "current_notice": notices[0] if notices else None,
            "jurisdiction": right_to_bid(asset.council),
            "initiatives": selectors.asset_initiatives(user, asset),
            "link_form": LinkInitiativeForm(initiatives=selectors.initiatives_led(user, asset))
            if can["link"]
            else None,
            "can": can,
            "today": today,
        },
    )


@login_required
@rate_limited("asset")
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.select_related("council"), pk=pk)
    if right_to_bid(asset.council) != acv.Jurisdiction.ENGLAND:
        messages.error(
            request,
            _(
                "Places in %(council)s cannot be nominated: the community right to bid "
                "applies in England only"
            )
            % {"council": asset.council.name},
        )
        return redirect(asset)
    require(request.user, "directory.nominate_asset", asset)
    form = NominationForm(
        request.POST if request.method == "POST" else None,
        groups=selectors.groups_to_nominate(request.user, asset.council),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nomination_create(
                actor=actor_of(request),
                asset=asset,
                group=data["group"],
                body_kind=data["body_kind"],
                local_electors=data["local_electors"],
                distributes_surplus=data["distributes_surplus"],
                reasons=data["reasons"],
                declared=data["declaration"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your nomination has been sent to the council"))
            return redirect(asset)
    return render(request, "directory/assets/nominate.html", {"asset": asset, "form": form})


@login_required
@require_safe
def nominations_home(request: HttpRequest) -> HttpResponse:
    """An officer's way in: their council's nominations (or a choice of councils)."""
    councils = selectors.officer_councils(request.user)
    if len(councils) == 1:
        return redirect("assets:council_nominations", slug=councils[0].slug)
    if not councils:
        raise PermissionDenied
    return render(request, "directory/assets/choose_council.html", {"councils": councils})


@login_required
@require_safe
def council_nominations(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_object_or_404(Council, slug=slug)
    require(request.user, "directory.see_nominations", council)
    return render(
        request,
        "directory/assets/council_nominations.html",
        {
            "council": council,
            "nominations": selectors.council_nominations(council),
            "today": timezone.localdate(),
            "jurisdiction": right_to_bid(council),
        },
    )


@login_required
@rate_limited("asset")
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.select_related("asset__council", "group"), pk=pk
    )
    require(request.user, "directory.decide_nomination", nomination)
    if nomination.decision:
        messages.info(request, _("This nomination has already been decided"))
        return redirect(nomination.asset)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nomination_decide(
                actor=actor_of(request),
                nomination=nomination,
                decision=data["decision"],
                reasons=data["reasons"],
                decided_on=data["decided_on"],
            )
        except ServiceError as exc:
            form.add_error("decided_on", exc.message)
        else:
            messages.success(request, _("The decision has been recorded"))
            return redirect(nomination.asset)
    return render(request, "directory/assets/decide.html", {"nomination": nomination, "form": form})


@login_required
@rate_limited("asset")
@require_http_methods(["GET", "POST"])
def sale_notice(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.select_related("council"), pk=pk)
    require(request.user, "directory.record_sale_notice", asset)
    form = SaleNoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sale_notice_record(
                actor=actor_of(request), asset=asset, received_on=form.cleaned_data["received_on"]
            )
        except ServiceError as exc:
            form.add_error("received_on", exc.message)
        else:
            messages.success(request, _("The notice of sale has been recorded"))
            return redirect(asset)
    return render(request, "directory/assets/sale_notice.html", {"asset": asset, "form": form})


@login_required
@rate_limited("asset")
@require_http_methods(["GET", "POST"])
def bid_request(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.select_related("council"), pk=pk)
    notice = services.current_notice(asset)
    if notice is None:
        raise Http404
    require(request.user, "directory.request_to_bid", notice)
    officer = request.user.has_perm("directory.record_sale_notice", asset)
    form = BidRequestForm(
        request.POST if request.method == "POST" else None,
        groups=selectors.groups_to_nominate(request.user, asset.council),
        officer=officer,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.bidder_request_record(
                actor=actor_of(request),
                notice=notice,
                group=data.get("group"),
                group_name=data.get("group_name") or "",
                received_on=data.get("received_on"),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request to be treated as a bidder has been recorded"))
            return redirect(asset)
    return render(
        request,
        "directory/assets/bid_request.html",
        {
            "asset": asset,
            "form": form,
            "notice": selectors.notice_view(notice, timezone.localdate()),
        },
    )


@login_required
@rate_limited("asset")
@require_POST
def link_initiative(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset, pk=pk)
    require(request.user, "directory.link_initiative", asset)
    form = LinkInitiativeForm(
        request.POST, initiatives=selectors.initiatives_led(request.user, asset)
    )
    if not form.is_valid():
        for error in form.errors.get("initiative", []):
            messages.error(request, str(error))
        return redirect(asset)
    services.asset_link_initiative(
        actor=actor_of(request), asset=asset, initiative=form.cleaned_data["initiative"]
    )
    messages.success(request, _("The initiative is now linked to this place"))
    return redirect(asset)
