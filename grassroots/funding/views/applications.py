"""Pages for applying and deciding: the application form, the application page (budget,
declarations, motions and votes, the decision record), and the members' forms. Views only
translate: an application the person may not see is a 404, a refused permission a 403, a
`ServiceError` a message beside the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.funding import ledger, selectors_grants
from grassroots.funding.forms_grants import (
    ApplicationForm,
    DeclareForm,
    MotionForm,
    VoteForm,
    WithdrawMotionForm,
)
from grassroots.funding.models import (
    Application,
    ApplicationStatus,
    Fund,
    Motion,
    MotionKind,
    VoteChoice,
)
from grassroots.funding.rules import declared_ids, seat_of
from grassroots.funding.services import applications as application_services
from grassroots.funding.services import decisions
from grassroots.funding.services.applications import current_plan
from grassroots.funding.visibility import applicant_shown
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.visibility import visible_initiatives


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _application(request: HttpRequest, pk: int) -> Application:
    application = selectors_grants.application_for(request.user, pk)
    if application is None:
        raise Http404
    return application


def _applicant(request: HttpRequest) -> Initiative | Group | None:
    kind, _sep, key = request.GET.get("for", "").partition(":")
    if not key.isdigit():
        return None
    if kind == "initiative":
        # Only an initiative the person may see: a safeguarded one stays a 404 to outsiders.
        return visible_initiatives(request.user, Initiative.objects.filter(pk=int(key))).first()
    if kind == "group":
        return Group.objects.filter(pk=int(key)).first()
    return None


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("partnership"), slug=slug)
    applicant = _applicant(request)
    if applicant is None:
        if request.GET.get("for"):
            raise Http404
        initiatives, groups = selectors_grants.applicants_for(request.user)
        return render(
            request,
            "funding/grants_choose_applicant.html",
            {"fund": fund, "initiatives": initiatives, "groups": groups},
        )
    require(request.user, "funding.apply", applicant)
    plan = current_plan(fund)
    available = ledger.fund_balances(fund).available_pence
    lines = plan.lines.order_by("position", "pk") if plan is not None else None
    if lines is None:
        messages.error(request, _("This fund has no plan yet, so it cannot take applications"))
        return redirect(fund)
    form = ApplicationForm(_posted(request), lines=lines, available_pence=available)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = application_services.application_submit(
                actor=actor_of(request),
                fund=fund,
                applicant=applicant,
                plan_line=data["plan_line"],
                title=data["title"],
                outcomes=data["outcomes"],
                budget=data["budget"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("Your application has been sent to the partnership"))
            return redirect(application)
    return render(
        request,
        "funding/grants_apply.html",
        {
            "fund": fund,
            "applicant": applicant,
            "form": form,
            "available": available,
            "extra_errors": extra_errors,
        },
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    motions = selectors_grants.motion_views(application)
    open_motion = next((m.motion for m in motions if m.motion.is_open), None)
    seat = seat_of(user, application.fund.partnership)
    declared = seat is not None and seat.pk in declared_ids(application)
    own_vote = None
    if open_motion is not None and seat is not None:
        own_vote = next((v for v in open_motion.votes.all() if v.membership_id == seat.pk), None)
    waiting = application.status == ApplicationStatus.SUBMITTED
    grant = getattr(application, "grant", None) if not waiting else None
    can = {
        "withdraw": waiting and user.has_perm("funding.withdraw", application),
        "declare": waiting and user.has_perm("funding.declare", application) and not declared,
        "propose": waiting
        and open_motion is None
        and user.has_perm("funding.propose", application),
        "vote": waiting and open_motion is not None and user.has_perm("funding.vote", open_motion),
        "close": waiting
        and open_motion is not None
        and user.has_perm("funding.close_motion", open_motion),
        "withdraw_motion": waiting
        and open_motion is not None
        and user.has_perm("funding.withdraw_motion", open_motion),
        "money": grant is not None and user.has_perm("funding.see_grant_money", grant),
    }
    return render(
        request,
        "funding/grants_application.html",
        {
            "application": application,
            "fund": application.fund,
            "show_applicant": applicant_shown(user, application),
            "budget_lines": list(application.budget_lines.all()),
            "declarations": list(application.declarations.all()),
            "motions": motions,
            "open_motion": open_motion,
            "deciding": selectors_grants.deciding(application, open_motion)
            if seat is not None and waiting
            else None,
            "seat": seat,
            "declared": declared,
            "own_vote": own_vote,
            "grant": grant,
            "can": can,
            "vote_form": VoteForm(initial={"choice": own_vote.choice if own_vote else None}),
        },
    )


@login_required
def fund_applications(request: HttpRequest, slug: str) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("partnership"), slug=slug)
    applications = selectors_grants.fund_applications(request.user, fund)
    return render(
        request,
        "funding/grants_application_list.html",
        {
            "fund": fund,
            "rows": [(a, applicant_shown(request.user, a)) for a in applications],
            "is_member": seat_of(request.user, fund.partnership) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request.user, "funding.withdraw", application)
    if request.method == "POST":
        try:
            application_services.application_withdraw(
                actor=actor_of(request), application=application
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your application has been withdrawn"))
        return redirect(application)
    return render(
        request,
        "funding/grants_confirm.html",
        {
            "application": application,
            "question": _("Withdraw this application?"),
            "explain": _("The partnership will not decide on it. This cannot be undone."),
            "button": _("Yes, withdraw it"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request.user, "funding.declare", application)
    form = DeclareForm(_posted(request))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            application_services.interest_declare(
                actor=actor_of(request),
                application=application,
                interest=form.cleaned_data["interest"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request, _("Your interest is recorded: you will not vote on this application")
            )
            return redirect(application)
    return render(
        request,
        "funding/grants_declare.html",
        {"application": application, "form": form, "extra_errors": extra_errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    require(request.user, "funding.propose", application)
    meetings = selectors_grants.meetings(application)
    form = MotionForm(_posted(request), asked_pence=application.amount_pence, meetings=meetings)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decisions.motion_propose(
                actor=actor_of(request),
                application=application,
                kind=MotionKind(data["kind"]),
                amount_pence=data["amount"],
                reasons=data["reasons"],
                meeting=data["meeting"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The motion is open: members can now vote"))
            return redirect(application)
    return render(
        request,
        "funding/grants_propose.html",
        {"application": application, "form": form, "extra_errors": extra_errors},
    )


def _motion(request: HttpRequest, pk: int) -> Motion:
    motion = get_object_or_404(Motion, pk=pk)
    application = _application(request, motion.application_id)
    motion.application = application
    return motion


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    motion = _motion(request, pk)
    require(request.user, "funding.vote", motion)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose for, against or abstain"))
        return redirect(f"{motion.application.get_absolute_url()}#vote")
    try:
        decisions.motion_vote(
            actor=actor_of(request), motion=motion, choice=VoteChoice(form.cleaned_data["choice"])
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your vote is recorded"))
    return redirect(motion.application)


@login_required
@require_http_methods(["GET", "POST"])
def close_motion(request: HttpRequest, pk: int) -> HttpResponse:
    motion = _motion(request, pk)
    require(request.user, "funding.close_motion", motion)
    application = motion.application
    if request.method == "POST":
        try:
            closed = decisions.motion_close(actor=actor_of(request), motion=motion)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if closed.outcome == "passed" and closed.kind == MotionKind.APPROVE:
                messages.success(request, _("The motion passed: the grant is approved"))
            elif closed.outcome == "passed":
                messages.success(request, _("The motion passed: the application is declined"))
            else:
                messages.success(
                    request,
                    _("The motion did not pass: the application waits for another motion"),
                )
        return redirect(application)
    return render(
        request,
        "funding/grants_confirm.html",
        {
            "application": application,
            "question": _("Close the vote on this motion?"),
            "explain": _(
                "The result is recorded for good: nobody can change it afterwards. "
                "It passes if more members voted for it than against."
            ),
            "button": _("Yes, close the vote"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_motion(request: HttpRequest, pk: int) -> HttpResponse:
    motion = _motion(request, pk)
    require(request.user, "funding.withdraw_motion", motion)
    application = motion.application
    form = WithdrawMotionForm(_posted(request))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            decisions.motion_withdraw(
                actor=actor_of(request), motion=motion, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request, _("The motion is withdrawn: a new motion can now be proposed")
            )
            return redirect(f"{application.get_absolute_url()}#decision")
    return render(
        request,
        "funding/grants_withdraw_motion.html",
        {
            "application": application,
            "motion": motion,
            "form": form,
            "extra_errors": extra_errors,
        },
    )
