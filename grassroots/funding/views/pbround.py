"""Pages for participatory-budgeting rounds. Views only translate: a round that does not exist
is a 404, a refused permission a 403, a `ServiceError` a message beside the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.funding import ledger
from grassroots.funding import pbround_selectors as selectors
from grassroots.funding.models import Fund, Proposal, ProposalStatus, Round, RoundPhase, RoundRule
from grassroots.funding.pbround_forms import (
    CheckForm,
    PBBallotForm,
    ProposalForm,
    RoundForm,
    start_of,
)
from grassroots.funding.services import pbround as services
from grassroots.funding.services import pbround_counting as counting
from grassroots.funding.services.applications import current_plan


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _fund(slug: str) -> Fund:
    fund = selectors.fund_for(slug)
    if fund is None:
        raise Http404
    return fund


def _round(pk: int) -> Round:
    round_ = selectors.round_for(pk)
    if round_ is None:
        raise Http404
    return round_


def _can(request: HttpRequest, round_: Round) -> dict[str, bool]:
    return {
        verb: request.user.has_perm(f"funding.{verb}", round_)
        for verb in ("propose_project", "check_proposal", "vote_in_round", "count_round")
    }


def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(slug)
    return render(
        request,
        "funding/pbround_list.html",
        {
            "fund": fund,
            "rounds": list(selectors.rounds_of(fund)),
            "can_create": request.user.has_perm("funding.create_round", fund),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(slug)
    require(request.user, "funding.create_round", fund)
    available = ledger.fund_balances(fund).available_pence
    plan = current_plan(fund)
    lines = plan.lines.order_by("position", "pk") if plan is not None else None
    form = RoundForm(_posted(request), available_pence=available, lines=lines)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=actor_of(request),
                fund=fund,
                title=data["title"],
                description=data["description"],
                budget_pence=data["budget"],
                proposals_open=start_of(data["proposals_open"]),
                proposals_close=start_of(data["proposals_close"]),
                voting_opens=start_of(data["voting_opens"]),
                voting_closes=start_of(data["voting_closes"]),
                rule=data["rule"],
                greedy_variant=data["greedy_variant"],
                min_votes=data["min_votes"],
                utility=data["utility"],
                completion=data["completion"],
                ballot_limit_pence=data["ballot_limit"],
                plan_line=data["plan_line"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The round has been set up"))
            return redirect(round_)
    return render(
        request,
        "funding/pbround_form.html",
        {"fund": fund, "form": form, "extra_errors": extra_errors, "plan": plan},
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    can = _can(request, round_)
    phase = round_.phase
    proposals = selectors.proposals_seen_by(request.user, round_, checker=can["check_proposal"])
    return render(
        request,
        "funding/pbround_detail.html",
        {
            "round": round_,
            "fund": round_.fund,
            "phase": phase,
            "phases": RoundPhase,
            "count_state": round_.count_state,
            "is_mes": round_.rule == RoundRule.MES,
            "can": can,
            "proposals": proposals,
            "withdrawable": selectors.withdrawable_ids(request.user, round_, proposals),
            "ballot": selectors.own_ballot(request.user, round_)
            if phase == RoundPhase.VOTING
            else None,
            "ballots": selectors.ballot_count(round_)
            if phase in (RoundPhase.VOTING, RoundPhase.CLOSED)
            else None,
        },
    )


@login_required
@rate_limited("pb_proposal")
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    require(request.user, "funding.propose_project", round_)
    if round_.phase != RoundPhase.PROPOSALS:
        messages.error(request, _("This round is not taking proposals"))
        return redirect(round_)
    actor = actor_of(request)
    form = ProposalForm(
        _posted(request),
        budget_pence=round_.budget_pence,
        initiatives=services.led_initiatives(actor),
        groups=services.organised_groups(actor),
    )
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_create(
                actor=actor,
                round_=round_,
                title=data["title"],
                description=data["description"],
                cost_pence=data["cost"],
                initiative=data["initiative"],
                group=data["group"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request,
                _(
                    "Thank you: the partnership will check your proposal and tell you whether "
                    "it is on the ballot"
                ),
            )
            return redirect(round_)
    return render(
        request,
        "funding/pbround_propose.html",
        {"round": round_, "form": form, "extra_errors": extra_errors},
    )


@login_required
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    require(request.user, "funding.check_proposal", round_)
    return render(
        request,
        "funding/pbround_queue.html",
        {
            "round": round_,
            "proposals": selectors.waiting(round_),
            "open": round_.phase in (RoundPhase.PROPOSALS, RoundPhase.CHECKING),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    round_ = _round(pk)
    proposal = get_object_or_404(
        Proposal.objects.select_related("proposer", "initiative", "group"),
        pk=proposal_pk,
        round=round_,
    )
    proposal.round = round_
    require(request.user, "funding.check_proposal", proposal)
    form = CheckForm(_posted(request))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_check(
                actor=actor_of(request),
                proposal=proposal,
                eligible=form.cleaned_data["eligible"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("Checked: the proposer has been told"))
            return redirect("funding:round_queue", pk=round_.pk)
    return render(
        request,
        "funding/pbround_check.html",
        {"round": round_, "proposal": proposal, "form": form, "extra_errors": extra_errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    round_ = _round(pk)
    proposal = get_object_or_404(
        Proposal.objects.select_related("initiative", "group"), pk=proposal_pk, round=round_
    )
    proposal.round = round_
    require(request.user, "funding.withdraw_proposal", proposal)
    if request.method == "POST":
        try:
            services.proposal_withdraw(actor=actor_of(request), proposal=proposal)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The proposal has been withdrawn"))
        return redirect(round_)
    if proposal.status == ProposalStatus.WITHDRAWN:
        messages.info(request, _("This proposal has already been withdrawn"))
        return redirect(round_)
    if round_.phase not in (RoundPhase.PROPOSALS, RoundPhase.CHECKING):
        messages.error(request, _("Voting has opened, so proposals can no longer be withdrawn"))
        return redirect(round_)
    return render(request, "funding/pbround_withdraw.html", {"round": round_, "proposal": proposal})


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    require(request.user, "funding.vote_in_round", round_)
    if round_.phase != RoundPhase.VOTING:
        messages.error(request, _("Voting is not open in this round"))
        return redirect(round_)
    proposals = selectors.on_ballot(round_)
    own = selectors.own_ballot(request.user, round_)
    initial = {"chosen": [p.pk for p in own.proposals.all()]} if own is not None else {}
    form = PBBallotForm(
        _posted(request),
        proposals=proposals,
        limit_pence=round_.ballot_limit_pence,
        initial=initial,
    )
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(
                actor=actor_of(request), round_=round_, proposal_ids=form.cleaned_data["chosen"]
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request, _("Your vote has been counted. You can change it until voting closes.")
            )
            return redirect(round_)
    return render(
        request,
        "funding/pbround_ballot.html",
        {
            "round": round_,
            "form": form,
            "own": own,
            "proposals": proposals,
            "extra_errors": extra_errors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the count; a worker does it (`funding.tasks.count_round`) and the round's page
    shows it queued, failed or done."""
    round_ = _round(pk)
    require(request.user, "funding.count_round", round_)
    if round_.counted_at is not None:
        messages.info(request, _("The votes in this round have already been counted"))
        return redirect("funding:round_results", pk=round_.pk)
    extra_errors: list[str] = []
    if request.method == "POST":
        try:
            queued = counting.count_request(actor=actor_of(request), round_=round_)
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            if queued:
                messages.success(request, _("You have asked for the votes to be counted"))
            else:
                messages.info(
                    request, _("The votes are already being counted. Nothing has changed.")
                )
            return redirect(round_)
    return render(
        request,
        "funding/pbround_count.html",
        {
            "round": round_,
            "ballots": selectors.ballot_count(round_),
            "closed": round_.phase == RoundPhase.CLOSED,
            "count_state": round_.count_state,
            "extra_errors": extra_errors,
        },
    )


def results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    if round_.counted_at is None:
        messages.info(request, _("The votes in this round have not been counted yet"))
        return redirect(round_)
    return render(
        request,
        "funding/pbround_results.html",
        {"round": round_, "rows": selectors.result_rows(round_), "result": round_.result},
    )
