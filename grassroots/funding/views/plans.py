"""Pages for a fund's plan: its history, one revision, any two compared, revising it (a grid
that works without JavaScript) and carrying priorities in from a priority exercise."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.funding import selectors_partners as selectors
from grassroots.funding.forms_partners import CarryInForm, PlanForm
from grassroots.funding.models import Fund, PlanRevision
from grassroots.funding.services import plans as services
from grassroots.funding.views.partners import _fund
from grassroots.priorities.models import Exercise
from grassroots.priorities.selectors import results as exercise_results


def _revision(fund: Fund, number: int) -> PlanRevision:
    revision = selectors.revision_of(fund, number)
    if revision is None:
        raise Http404
    return revision


def plan_history(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(request, slug)
    revisions = selectors.revision_list(fund)
    return render(
        request,
        "funding/partners_plan_history.html",
        {
            "fund": fund,
            "revisions": revisions,
            "may_revise": request.user.has_perm("funding.revise_plan", fund),
        },
    )


def plan_revision(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    fund = _fund(request, slug)
    revision = _revision(fund, number)
    return render(
        request,
        "funding/partners_plan_revision.html",
        {"fund": fund, "revision": revision, "plan": selectors.plan_table(fund, revision)},
    )


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 9 else None


def plan_compare(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(request, slug)
    revisions = selectors.revision_list(fund)
    numbers = [r.number for r in revisions]
    first, second = _number(request.GET.get("a", "")), _number(request.GET.get("b", ""))
    problem = ""
    if first is None and second is None and len(numbers) >= 2:
        first, second = numbers[1], numbers[0]
    if first is None or second is None or first not in numbers or second not in numbers:
        comparison = None
        if request.GET:
            problem = _("Choose two revisions of the plan to compare")
    else:
        by_number = {r.number: r for r in revisions}
        before, after = sorted([first, second])
        comparison = selectors.compare(fund, by_number[before], by_number[after])
    return render(
        request,
        "funding/partners_plan_compare.html",
        {
            "fund": fund,
            "revisions": revisions,
            "comparison": comparison,
            "problem": problem,
            "a": first,
            "b": second,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(request, slug)
    require(request.user, "funding.revise_plan", fund)
    current = selectors.current_revision(fund)
    table = selectors.plan_table(fund, current)
    lines = [row.line for row in table.rows]
    allocations = {
        row.line.pk: {y.number: cell for y, cell in zip(table.years, row.cells, strict=True)}
        for row in table.rows
    }
    adding = request.method == "POST" and "add_row" in request.POST
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        allocations=allocations,
        years=[y.number for y in table.years],
        fund_total=fund.total_pence,
        based_on=current.number if current else 0,
        add_row=adding,
    )
    extra_errors: list[str] = []
    if request.method == "POST" and not adding and form.is_valid():
        try:
            revision = services.plan_revise(
                actor=actor_of(request),
                fund=fund,
                lines=form.cleaned_data["lines"],
                summary=form.cleaned_data["summary"],
                based_on=form.cleaned_data["based_on"] or 0,
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request,
                _("Revision %(number)d of the plan is saved") % {"number": revision.number},
            )
            return redirect(fund)
    if adding:  # the grid only grew a row: nothing is checked yet
        form._errors = ErrorDict()  # type: ignore[attr-defined]
    return render(
        request,
        "funding/partners_plan_revise.html",
        {
            "fund": fund,
            "current": current,
            "form": form,
            "years": table.years,
            "extra_errors": extra_errors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_carry_in(request: HttpRequest, slug: str) -> HttpResponse:
    fund = _fund(request, slug)
    require(request.user, "funding.revise_plan", fund)
    exercises = services.exercises_to_carry_from(fund)
    key = request.GET.get("exercise", "")
    exercise: Exercise | None = next((e for e in exercises if str(e.pk) == key), None)
    if exercise is None:
        return render(
            request,
            "funding/partners_plan_carry_choose.html",
            {"fund": fund, "exercises": exercises},
        )
    ranked = exercise_results(exercise).rows
    current = selectors.current_revision(fund)
    present = set()
    if current is not None:
        present = set(current.lines.exclude(priority=None).values_list("priority_id", flat=True))
    choices = [
        (
            str(row.priority.pk),
            _("%(rank)d. %(title)s (%(votes)d votes)")
            % {"rank": rank, "title": row.priority.title, "votes": row.total},
        )
        for rank, row in enumerate(ranked, start=1)
        if row.priority.pk not in present
    ]
    form = CarryInForm(request.POST if request.method == "POST" else None, choices=choices)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["priorities"]}
        try:
            revision = services.plan_carry_in(
                actor=actor_of(request),
                fund=fund,
                exercise=exercise,
                priorities=[row.priority for row in ranked if row.priority.pk in chosen],
                summary=form.cleaned_data["summary"],
                based_on=current.number if current else 0,
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request,
                _(
                    "Revision %(number)d of the plan has the priorities. Now give them their "
                    "allocations"
                )
                % {"number": revision.number},
            )
            return redirect(reverse("funding:plan_revise", kwargs={"slug": fund.slug}))
    return render(
        request,
        "funding/partners_plan_carry_in.html",
        {
            "fund": fund,
            "exercise": exercise,
            "form": form,
            "extra_errors": extra_errors,
            "already": len(ranked) - len(choices),
        },
    )
