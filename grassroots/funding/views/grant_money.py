"""A grant's money: the page listing every transaction with running balances, and the
treasurer's forms (payment, variation, money returned, closing, correction)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.funding import ledger, selectors_grants
from grassroots.funding.forms_grants import (
    CloseGrantForm,
    CorrectForm,
    PayForm,
    ReturnForm,
    VaryForm,
)
from grassroots.funding.models import Grant, GrantStatus, Transaction
from grassroots.funding.services import grant_money
from grassroots.funding.services.grant_money import CORRECTABLE
from grassroots.funding.visibility import applicant_shown


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _grant(request: HttpRequest, pk: int) -> Grant:
    grant = selectors_grants.grant_for(pk)
    if grant is None or not request.user.has_perm("funding.see_grant_money", grant):
        raise Http404
    return grant


def money_url(grant: Grant) -> str:
    return reverse("funding:grant_money", kwargs={"pk": grant.pk})


@login_required
def grant_money_page(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    user = request.user
    lines = selectors_grants.grant_lines(grant)
    totals = ledger.grant_balances(grant)
    active = grant.status == GrantStatus.ACTIVE
    treasurer = user.has_perm("funding.pay", grant)
    application = grant.application
    return render(
        request,
        "funding/grants_money.html",
        {
            "grant": grant,
            "fund": grant.fund,
            "lines": lines,
            "totals": totals,
            "show_applicant": application is None or applicant_shown(user, application),
            "can": {
                "pay": active and treasurer and totals.committed_pence > 0,
                "vary": active and treasurer,
                "take_back": treasurer and totals.paid_pence > totals.returned_pence,
                "close": active and treasurer,
                "correct": treasurer,
            },
            "correctable": {
                line.record.pk
                for line in lines
                if not line.corrected
                and line.record.kind in CORRECTABLE
                and (active or line.record.kind == "return")
            },
        },
    )


def _money_form(
    request: HttpRequest,
    pk: int,
    *,
    perm: str,
    form_class: type[forms.Form],
    act: Callable[[Grant, dict[str, Any]], object],
    done: str,
    heading: str,
    button: str,
    record: Transaction | None = None,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    grant = _grant(request, pk)
    require(request.user, perm, grant)
    form = form_class(_posted(request), initial=initial)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            act(grant, form.cleaned_data)
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, done)
            return redirect(money_url(grant))
    return render(
        request,
        "funding/grants_money_form.html",
        {
            "grant": grant,
            "form": form,
            "extra_errors": extra_errors,
            "heading": heading,
            "button": button,
            "record": record,
            "totals": ledger.grant_balances(grant),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _money_form(
        request,
        pk,
        perm="funding.pay",
        form_class=PayForm,
        act=lambda grant, data: grant_money.grant_pay(
            actor=actor_of(request),
            grant=grant,
            amount_pence=data["amount"],
            paid_on=data["paid_on"],
            note=data["note"],
        ),
        done=_("The payment is recorded"),
        heading=_("Record a payment"),
        button=_("Record the payment"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def vary(request: HttpRequest, pk: int) -> HttpResponse:
    return _money_form(
        request,
        pk,
        perm="funding.vary",
        form_class=VaryForm,
        act=lambda grant, data: grant_money.grant_vary(
            actor=actor_of(request),
            grant=grant,
            new_amount_pence=data["amount"],
            reason=data["reason"],
        ),
        done=_("The grant's new amount is recorded"),
        heading=_("Change the amount of the grant"),
        button=_("Record the change"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def take_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _money_form(
        request,
        pk,
        perm="funding.take_back",
        form_class=ReturnForm,
        act=lambda grant, data: grant_money.grant_take_back(
            actor=actor_of(request),
            grant=grant,
            amount_pence=data["amount"],
            note=data["note"],
        ),
        done=_("The money returned is recorded"),
        heading=_("Record money returned"),
        button=_("Record the money returned"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _money_form(
        request,
        pk,
        perm="funding.close_grant",
        form_class=CloseGrantForm,
        act=lambda grant, data: grant_money.grant_close(
            actor=actor_of(request), grant=grant, note=data["note"]
        ),
        done=_("The grant is closed and any unpaid money is back in the fund"),
        heading=_("Close the grant"),
        button=_("Close the grant"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int, transaction_pk: int) -> HttpResponse:
    record = get_object_or_404(Transaction, pk=transaction_pk, grant_id=pk)
    return _money_form(
        request,
        pk,
        perm="funding.correct",
        form_class=CorrectForm,
        act=lambda grant, data: grant_money.transaction_correct(
            actor=actor_of(request), grant=grant, record=record, reason=data["reason"]
        ),
        done=_("The correction is recorded"),
        heading=_("Correct a mistaken transaction"),
        button=_("Record the correction"),
        record=record,
    )
