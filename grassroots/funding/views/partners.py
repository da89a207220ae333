"""Pages for funds and partnerships: the list of funds, a fund's page (balances from the ledger,
the current plan), opening a fund; a partnership's page (members, standing, quorum, funds) and
its forms. Views only translate: a refused permission is a 403, a `ServiceError` a message
beside the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.funding import ledger
from grassroots.funding import selectors_partners as selectors
from grassroots.funding.forms_partners import (
    FundForm,
    MemberAddForm,
    PartnershipForm,
    QuorumForm,
    SeatForm,
)
from grassroots.funding.models import Fund, Membership, Partnership
from grassroots.funding.rules import officer_council_ids
from grassroots.funding.services import partners as services
from grassroots.groups.models import Group
from grassroots.places.models import Council, Ward


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _fund(request: HttpRequest, slug: str) -> Fund:
    fund = selectors.fund_for(request.user, slug)
    if fund is None:
        raise Http404
    return fund


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    partnership = selectors.partnership_for(request.user, slug)
    if partnership is None:
        raise Http404
    return partnership


# --- Funds -----------------------------------------------------------------------------------


def fund_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "funding/partners_fund_list.html",
        {
            "funds": selectors.fund_list(request.user),
            "may_create": request.user.has_perm("funding.create_fund", None),
        },
    )


def fund_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(request, slug)
    revision = selectors.current_revision(fund)
    return render(
        request,
        "funding/partners_fund_detail.html",
        {
            "fund": fund,
            "balances": ledger.fund_balances(fund),
            "plan": selectors.plan_table(fund, revision),
            "may_revise": request.user.has_perm("funding.revise_plan", fund),
        },
    )


def _councils_for(request: HttpRequest) -> QuerySet[Council]:
    """Site admins open funds anywhere; an officer for their own councils."""
    if is_site_admin(request.user):
        return Council.objects.order_by("name")
    return Council.objects.filter(pk__in=officer_council_ids(request.user)).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def fund_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.create_fund", None)
    councils = _councils_for(request)
    key = request.GET.get("council", "")
    council = None
    if key.isdigit() and len(key) < 10:
        council = Council.objects.filter(pk=int(key)).first()
    if council is None:
        only = list(councils[:2])
        if len(only) == 1 and not key:
            council = only[0]
        else:
            return render(
                request,
                "funding/partners_fund_council.html",
                {"councils": councils, "chosen": key},
            )
    require(request.user, "funding.create_fund", council)
    wards = Ward.objects.current().filter(council=council).order_by("name")
    partnerships = Partnership.objects.filter(group__council=council).order_by("name")
    form = FundForm(_posted(request), wards=wards, partnerships=partnerships)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund = services.fund_create(
                actor=actor_of(request),
                council=council,
                wards=list(data["wards"]),
                partnership=data["partnership"],
                name=data["name"],
                description=data["description"],
                total_pence=data["total"],
                funder_name=data["funder_name"],
                funder_org_id=data["funder_org_id"],
                holder_name=data["holder_name"],
                holder_org_id=data["holder_org_id"],
                starts_on=data["starts_on"],
                horizon_years=data["horizon_years"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The fund is open and its money is in the ledger"))
            return redirect(fund)
    return render(
        request,
        "funding/partners_fund_form.html",
        {
            "form": form,
            "council": council,
            "extra_errors": extra_errors,
            "no_partnerships": not partnerships.exists(),
        },
    )


# --- Partnerships ------------------------------------------------------------------------------


def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    people = selectors.partnership_people(partnership)
    user = request.user
    return render(
        request,
        "funding/partners_partnership_detail.html",
        {
            "partnership": partnership,
            "people": people,
            "funds": selectors.funds_of_partnership(partnership),
            "may_manage": user.has_perm("funding.manage_partnership", partnership),
            "own_seat": next((m for m in people.current if m.user_id == user.pk), None),
            "quorum_needed": -(-len(people.current) * partnership.quorum_percent // 100),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_new(request: HttpRequest) -> HttpResponse:
    group = get_object_or_404(
        Group.objects.select_related("council"), slug=request.GET.get("group", "")
    )
    require(request.user, "funding.create_partnership", group)
    existing = Partnership.objects.filter(group=group).first()
    if existing is not None:
        messages.info(request, _("This group already has a partnership"))
        return redirect(existing)
    form = PartnershipForm(
        _posted(request), initial={"name": _("%(group)s partnership") % {"group": group.name}}
    )
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_create(
                actor=actor_of(request), group=group, name=form.cleaned_data["name"]
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The partnership is set up. Now add its members"))
            return redirect(partnership)
    return render(
        request,
        "funding/partners_partnership_form.html",
        {"form": form, "group": group, "extra_errors": extra_errors},
    )


def _seat_initial(membership: Membership) -> dict[str, Any]:
    return {
        "role": membership.role,
        "resident": "yes" if membership.is_resident else "no",
        "represents": membership.represents,
    }


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    require(request.user, "funding.manage_partnership", partnership)
    form = MemberAddForm(_posted(request))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_add(
                actor=actor_of(request),
                partnership=partnership,
                user=data["email"],
                role=data["role"],
                is_resident=form.is_resident,
                represents=data["represents"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now a member of the partnership")
                % {"name": membership.user.public_name},
            )
            return redirect(partnership)
    return render(
        request,
        "funding/partners_member_form.html",
        {"form": form, "partnership": partnership, "extra_errors": extra_errors, "seat": None},
    )


def _seat(partnership: Partnership, pk: int) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, partnership=partnership
    )
    membership.partnership = partnership
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def member_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    require(request.user, "funding.manage_partnership", partnership)
    seat = _seat(partnership, pk)
    if seat.left_on is not None:
        messages.info(request, _("They have left the partnership"))
        return redirect(partnership)
    form = SeatForm(_posted(request), initial=_seat_initial(seat))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_change(
                actor=actor_of(request),
                membership=seat,
                role=data["role"],
                is_resident=form.is_resident,
                represents=data["represents"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request, _("%(name)s’s seat has been changed") % {"name": seat.user.public_name}
            )
            return redirect(partnership)
    return render(
        request,
        "funding/partners_member_form.html",
        {"form": form, "partnership": partnership, "extra_errors": extra_errors, "seat": seat},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    seat = _seat(partnership, pk)
    require(request.user, "funding.end_membership", seat)
    if seat.left_on is not None:
        messages.info(request, _("They have already left the partnership"))
        return redirect(partnership)
    own = seat.user_id == request.user.pk
    if request.method == "POST":
        try:
            services.membership_end(actor=actor_of(request), membership=seat)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You have left the partnership")
                if own
                else _("%(name)s has left the partnership") % {"name": seat.user.public_name},
            )
        return redirect(partnership)
    return render(
        request,
        "funding/partners_member_end.html",
        {"partnership": partnership, "seat": seat, "own": own},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quorum(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    require(request.user, "funding.manage_partnership", partnership)
    form = QuorumForm(
        _posted(request),
        initial={
            "percent": partnership.quorum_percent,
            "residents_majority": "yes" if partnership.quorum_residents_majority else "no",
        },
    )
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_quorum_set(
                actor=actor_of(request),
                partnership=partnership,
                percent=form.cleaned_data["percent"],
                residents_majority=form.cleaned_data["residents_majority"] == "yes",
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The quorum has been changed"))
            return redirect(partnership)
    return render(
        request,
        "funding/partners_quorum_form.html",
        {"form": form, "partnership": partnership, "extra_errors": extra_errors},
    )
