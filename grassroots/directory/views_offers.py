"""Pages for offers of help and introductions, under /offers/ (signed in only: these are
people's offers; nobody's contact details are shown before an introduction is accepted)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError
from grassroots.directory import selectors_offers as selectors
from grassroots.directory import services_offers as services
from grassroots.directory.forms_offers import IntroductionForm, OfferFilterForm, OfferForm
from grassroots.directory.models import Organization
from grassroots.directory.models_offers import IntroductionStatus, Offer, OfferStatus
from grassroots.initiatives import visibility as initiative_visibility

PAGE_SIZE = 20


def _organizations(request: HttpRequest) -> list[Organization]:
    return selectors.organizations_looked_after(request.user)


@login_required
@require_safe
def offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = Paginator(selectors.open_offers(request.user, kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "directory/offers/list.html", {"form": form, "page": page})


@login_required
@require_safe
def my_offers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/offers/mine.html",
        {
            "offers": list(selectors.my_offers(request.user)[:100]),
            "to_answer": selectors.introductions_to_answer(request.user),
            "sent": selectors.introductions_sent(request.user),
        },
    )


def _form_page(request: HttpRequest, form: OfferForm, **context: Any) -> HttpResponse:
    return render(request, "directory/offers/form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("offer")
def offer_add(request: HttpRequest) -> HttpResponse:
    organizations = _organizations(request)
    form = OfferForm(request.POST or None, organizations=organizations)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                actor=actor_of(request),
                details=form.details(),
                organization=form.chosen_organization(),
            )
        except ServiceError as exc:
            problem = exc.message
        else:
            messages.success(request, _("Your offer is open. Thank you."))
            return redirect(offer)
    return _form_page(
        request,
        form,
        title=_("Offer help"),
        button=_("Make the offer"),
        extra_errors=[problem] if problem else [],
    )


def _offer(request: HttpRequest, pk: int) -> Offer:
    offer = selectors.offer_for(request.user, pk)
    if offer is None:
        raise Http404
    return offer


@login_required
@require_safe
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    return render(
        request,
        "directory/offers/detail.html",
        {"offer": offer, "mine": request.user.has_perm("directory.change_offer", offer)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("offer")
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    if not request.user.has_perm("directory.change_offer", offer):
        raise PermissionDenied
    if offer.status == OfferStatus.CLOSED:
        messages.error(request, _("This offer is closed. Make a new offer instead."))
        return redirect(offer)
    initial = {
        "kind": offer.kind,
        "title": offer.title,
        "description": offer.description,
        "tags": offer.tags,
        "days": offer.days,
        "parts_of_day": offer.parts_of_day,
        "when_text": offer.when_text,
        "postcode": offer.postcode,
        "travel_miles": offer.travel_miles,
        "status": offer.status,
    }
    form = OfferForm(request.POST or None, initial=initial, editing=True)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(
                actor=actor_of(request),
                offer=offer,
                details=form.details(),
                status=form.cleaned_data["status"],
            )
        except ServiceError as exc:
            problem = exc.message
        else:
            messages.success(request, _("Your offer has been changed."))
            return redirect(offer)
    return _form_page(
        request,
        form,
        title=_("Change your offer"),
        button=_("Save the changes"),
        offer=offer,
        extra_errors=[problem] if problem else [],
    )


@login_required
@require_POST
def offer_close(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    try:
        services.offer_close(actor=actor_of(request), offer=offer)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your offer is closed."))
    return redirect("offers:mine")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("introduction")
def introduce(request: HttpRequest, pk: int, need_pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    need = selectors.need_for_lead(request.user, need_pk)
    if need is None:
        raise Http404
    form = IntroductionForm(request.POST or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_send(
                actor=actor_of(request),
                need=need,
                offer=offer,
                message=form.cleaned_data["message"],
            )
        except ServiceError as exc:
            problem = exc.message
        else:
            messages.success(
                request,
                _("Introduction sent. You will hear when they answer."),
            )
            return redirect(introduction)
    return render(
        request,
        "directory/offers/introduce.html",
        {
            "form": form,
            "offer": offer,
            "need": need,
            "extra_errors": [problem] if problem else [],
        },
    )


@login_required
@require_safe
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = selectors.introduction_for(request.user, pk)
    if introduction is None:
        raise Http404
    initiative = introduction.need.initiative
    return render(
        request,
        "directory/offers/introduction.html",
        {
            "introduction": introduction,
            "initiative": initiative,
            "offerer": request.user.has_perm("directory.answer_introduction", introduction),
            "lead": request.user.has_perm("directory.withdraw_introduction", introduction),
            # An offerer outside a safeguarded initiative learns nothing about it.
            "sees_initiative": initiative_visibility.can_view(request.user, initiative),
            "accepted": introduction.status == IntroductionStatus.ACCEPTED,
            "waiting": introduction.status == IntroductionStatus.WAITING,
        },
    )


def _answer(request: HttpRequest, pk: int, *, accept: bool | None) -> HttpResponse:
    introduction = selectors.introduction_for(request.user, pk)
    if introduction is None:
        raise Http404
    try:
        if accept is None:
            services.introduction_withdraw(actor=actor_of(request), introduction=introduction)
            messages.success(request, _("You have withdrawn the introduction."))
        else:
            services.introduction_answer(
                actor=actor_of(request), introduction=introduction, accept=accept
            )
            messages.success(
                request,
                _("You have accepted. You can now contact each other.")
                if accept
                else _("You have declined the introduction."),
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(introduction)


@login_required
@require_POST
def introduction_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=True)


@login_required
@require_POST
def introduction_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=False)


@login_required
@require_POST
def introduction_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, accept=None)
