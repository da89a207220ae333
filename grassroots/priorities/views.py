"""Pages for priority setting. Views only translate: an exercise the person may not see is a
404, a refused permission a 403, a `ServiceError` a message beside the form."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.groups.models import Group
from grassroots.groups.selectors import organised_by
from grassroots.initiatives.forms import InitiativeForm
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.initiatives.selectors import ward_choices
from grassroots.places.models import Ward
from grassroots.places.selectors import locate
from grassroots.priorities import selectors, services
from grassroots.priorities.forms import BallotForm, ExerciseForm, MergeForm, SuggestForm, start_of
from grassroots.priorities.models import Exercise, Phase, Priority, Status


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _exercise(request: HttpRequest, pk: int) -> Exercise:
    exercise = selectors.exercise_for(request.user, pk)
    if exercise is None:
        raise Http404
    return exercise


def _priority(exercise: Exercise, pk: int) -> Priority:
    priority = get_object_or_404(Priority, pk=pk, exercise=exercise)
    priority.exercise = exercise
    return priority


def _can(request: HttpRequest, exercise: Exercise) -> dict[str, bool]:
    user = request.user
    return {
        verb: user.has_perm(f"priorities.{verb}", exercise)
        for verb in ("manage", "moderate", "take_part", "see_results")
    }


# --- Lists and the exercise page ---------------------------------------------------------------


def exercise_list(request: HttpRequest) -> HttpResponse:
    phase = request.GET.get("phase", "")
    if phase not in Phase.values:
        phase = ""
    return render(
        request,
        "priorities/list.html",
        {
            "exercises": selectors.exercise_list(request.user, phase=phase),
            "phase": phase,
            "phases": Phase.choices,
        },
    )


def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    can = _can(request, exercise)
    phase = exercise.phase
    return render(
        request,
        "priorities/detail.html",
        {
            "exercise": exercise,
            "phase": phase,
            "can": can,
            "priorities": selectors.ballot_priorities(exercise),
            "supported": selectors.supported_ids(request.user, exercise),
            "own_pending": selectors.own_pending(request.user, exercise),
            "ballot": selectors.own_ballot(request.user, exercise) if phase == Phase.VOTE else None,
        },
    )


# --- Opening one ---------------------------------------------------------------------------------


def _host(request: HttpRequest) -> Group | Ward | None:
    kind, _sep, key = request.GET.get("host", "").partition(":")
    if kind == "group":
        return Group.objects.filter(slug=key).first()
    if kind == "ward" and key.isdigit():
        return Ward.objects.select_related("council").filter(pk=int(key)).first()
    return None


@login_required
@require_http_methods(["GET", "POST"])
def exercise_new(request: HttpRequest) -> HttpResponse:
    host = _host(request)
    if host is None:
        # Choose what to open it for: a group one organises, or a ward one represents.
        represented = Ward.objects.filter(pk__in=represented_ward_ids(request.user))
        return render(
            request,
            "priorities/choose_host.html",
            {
                "groups": list(organised_by(request.user)),
                "wards": list(represented.order_by("name")),
            },
        )
    require(request.user, "priorities.open_exercise", host)
    actor = actor_of(request)
    wards = services.allowed_wards(actor, host)
    form = ExerciseForm(
        _posted(request),
        wards=wards,
        initial={"wards": [w.pk for w in wards] if len(wards) == 1 else []},
    )
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exercise = services.exercise_open(
                actor=actor,
                host=host,
                question=data["question"],
                description=data["description"],
                wards=list(data["wards"]),
                suggest_opens=start_of(data["suggest_opens"]),
                suggest_closes=start_of(data["suggest_closes"]),
                vote_closes=start_of(data["vote_closes"]),
                method=data["method"],
                dots=data["dots"] or 5,
                participation=data["participation"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The exercise has been set up"))
            return redirect(exercise)
    return render(
        request,
        "priorities/exercise_form.html",
        {"form": form, "host": host, "extra_errors": extra_errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def exercise_advance(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.manage", exercise)
    phase = exercise.phase
    if phase == Phase.RESULTS:
        messages.info(request, _("Voting has already closed"))
        return redirect(exercise)
    questions = {
        Phase.DRAFT: _("Open suggestions now?"),
        Phase.SUGGEST: _("Close suggestions and open voting now?"),
        Phase.VOTE: _("Close voting and publish the results now?"),
    }
    if request.method == "POST":
        try:
            services.exercise_advance(actor=actor_of(request), exercise=exercise)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The exercise has moved on"))
        return redirect(exercise)
    return render(
        request,
        "priorities/confirm.html",
        {"exercise": exercise, "question": questions[phase], "button": _("Yes, move it on")},
    )


# --- Suggestions ---------------------------------------------------------------------------------


@login_required
@rate_limited("suggestion")
@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.take_part", exercise)
    if exercise.phase != Phase.SUGGEST:
        messages.error(request, _("Suggestions are closed for this exercise"))
        return redirect(exercise)
    form = SuggestForm(_posted(request))
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_suggest(
                actor=actor_of(request),
                exercise=exercise,
                title=form.cleaned_data["title"],
                detail=form.cleaned_data["detail"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request, _("Thank you: your suggestion will appear once the organisers publish it")
            )
            return redirect(exercise)
    return render(
        request,
        "priorities/suggest.html",
        {"exercise": exercise, "form": form, "extra_errors": extra_errors},
    )


@login_required
@require_POST
def support(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    priority = _priority(exercise, priority_pk)
    require(request.user, "priorities.take_part", exercise)
    try:
        services.priority_support(actor=actor_of(request), priority=priority)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You support “%(t)s”") % {"t": priority.title})
    return redirect(f"{exercise.get_absolute_url()}#priorities")


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.moderate", exercise)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        key = request.POST.get("priority", "")
        if decision not in ("publish", "reject") or not key.isdigit():
            messages.error(request, _("Choose to publish or reject a suggestion"))
            return redirect("priorities:moderate", pk=exercise.pk)
        priority = _priority(exercise, int(key))
        try:
            services.priority_moderate(
                actor=actor_of(request), priority=priority, publish=decision == "publish"
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                (_("Published “%(t)s”") if decision == "publish" else _("Rejected “%(t)s”"))
                % {"t": priority.title},
            )
        return redirect("priorities:moderate", pk=exercise.pk)
    pending = selectors.pending_priorities(exercise)
    published = selectors.ballot_priorities(exercise)
    similar = selectors.possible_duplicates(pending + published, published)
    return render(
        request,
        "priorities/moderate.html",
        {
            "exercise": exercise,
            "pending": [(p, similar.get(p.pk, [])) for p in pending],
            "published": [(p, similar.get(p.pk, [])) for p in published],
            "can": _can(request, exercise),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.manage", exercise)
    priority = _priority(exercise, priority_pk)
    published = selectors.ballot_priorities(exercise)
    similar = selectors.possible_duplicates([priority], published).get(priority.pk, [])
    targets = similar + [p for p in published if p not in similar and p.pk != priority.pk]
    form = MergeForm(_posted(request), targets=targets)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_merge(
                actor=actor_of(request),
                priority=priority,
                into=form.targets[form.cleaned_data["into"]],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The suggestions have been merged"))
            return redirect("priorities:moderate", pk=exercise.pk)
    return render(
        request,
        "priorities/merge.html",
        {
            "exercise": exercise,
            "priority": priority,
            "form": form,
            "similar": {p.pk for p in similar},
            "extra_errors": extra_errors,
        },
    )


# --- Ballots -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.take_part", exercise)
    if exercise.phase != Phase.VOTE:
        messages.error(request, _("Voting is not open for this exercise"))
        return redirect(exercise)
    priorities = selectors.ballot_priorities(exercise)
    own = selectors.own_ballot(request.user, exercise)
    initial: dict[str, object] = {}
    if own is not None:
        chosen = {c.priority_id: c.dots for c in own.choices.all()}
        initial = {f"p{k}": v for k, v in chosen.items()}
        initial["chosen"] = list(chosen)
        initial["age_band"] = own.age_band
    form = BallotForm(_posted(request), exercise=exercise, priorities=priorities, initial=initial)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(
                actor=actor_of(request),
                exercise=exercise,
                choices=form.cleaned_data["choices"],
                age_band=form.cleaned_data["age_band"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request,
                _("Your vote has been counted. You can change it until voting closes."),
            )
            return redirect(exercise)
    return render(
        request,
        "priorities/ballot.html",
        {"exercise": exercise, "form": form, "own": own, "extra_errors": extra_errors},
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.manage", exercise)
    if exercise.phase != Phase.VOTE:
        messages.error(request, _("Paper ballots can only be entered while voting is open"))
        return redirect(exercise)
    form = BallotForm(
        _posted(request),
        exercise=exercise,
        priorities=selectors.ballot_priorities(exercise),
        paper_wards=list(exercise.wards.all()),
    )
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_ballot_enter(
                actor=actor_of(request),
                exercise=exercise,
                choices=form.cleaned_data["choices"],
                ward=form.cleaned_data["ward_obj"],
                age_band=form.cleaned_data["age_band"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("The paper ballot has been entered. Enter the next one."))
            return redirect("priorities:paper", pk=exercise.pk)
    return render(
        request,
        "priorities/ballot.html",
        {"exercise": exercise, "form": form, "paper": True, "extra_errors": extra_errors},
    )


# --- Results ---------------------------------------------------------------------------------


def results(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.see_results", exercise)
    found = selectors.results(exercise)
    for row in found.rows:
        row.may_start = request.user.has_perm("priorities.start_initiative", row.priority)
    return render(
        request,
        "priorities/results.html",
        {
            "exercise": exercise,
            "results": found,
            "phase": exercise.phase,
            "breakdowns": [
                (_("By ward"), found.by_ward, "ward"),
                (_("By age"), found.by_age, "age"),
            ],
        },
    )


def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.see_results", exercise)
    found = selectors.results(exercise)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="priorities-{exercise.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["section", "group", "voters", "rank", "priority", "total", "online", "paper"])
    writer.writerow(["all", "", found.voters, "", "", "", found.online_voters, found.paper_voters])
    for rank, row in enumerate(found.rows, start=1):
        writer.writerow(
            [
                "ranking",
                "",
                row.voters,
                rank,
                _csv_safe(row.priority.title),
                row.total,
                row.online,
                row.paper,
            ]
        )
    for section, cells in (("ward", found.by_ward), ("age", found.by_age)):
        for cell in cells:
            if not cell.shown:
                writer.writerow([section, cell.label, "fewer than 10", "", "", "", "", ""])
                continue
            writer.writerow([section, cell.label, cell.voters, "", "", "", "", ""])
            for rank, (title, total) in enumerate(cell.top, start=1):
                writer.writerow([section, cell.label, "", rank, _csv_safe(title), total, "", ""])
    return response


def _csv_safe(text: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    require(request.user, "priorities.manage", exercise)
    return render(
        request,
        "priorities/audit.html",
        {"exercise": exercise, "entries": selectors.audit_entries(exercise)},
    )


# --- From a priority to an initiative ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start_initiative(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    """The initiatives app's own form, filled in from the priority and the exercise's wards;
    saving it starts the initiative and links the priority to it."""
    exercise = _exercise(request, pk)
    priority = _priority(exercise, priority_pk)
    if priority.status != Status.PUBLISHED:
        raise Http404
    if not request.user.has_perm("priorities.start_initiative", priority):
        if priority.initiative_id is not None:
            messages.info(request, _("An initiative has already been started from this priority"))
            return redirect("priorities:results", pk=exercise.pk)
        raise PermissionDenied
    area = list(exercise.wards.all())
    offered = ward_choices(user=request.user) | Ward.objects.filter(pk__in=[w.pk for w in area])
    if request.method == "POST":
        form = InitiativeForm(request.POST, wards=offered.distinct())
        form.is_valid()
        given = form.place_given()
        if given is not None:
            place, latitude, longitude = given
            form.take_location(
                locate(
                    place,
                    latitude=latitude,
                    longitude=longitude,
                    ward_from_point=not form.wards_chosen,
                )
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                initiative = services.priority_start_initiative(
                    actor=actor_of(request),
                    priority=priority,
                    title=data["title"],
                    problem=data["problem"],
                    change_wanted=data["change_wanted"],
                    who_for=data["who_for"],
                    theme=data["theme"],
                    wards=form.ward_list,
                    area_description=data["area_description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    location_text=form.location_text,
                    visibility=data["visibility"],
                )
            except ServiceError as exc:
                form.add_error(form.ward_error_field, exc.message)
            else:
                messages.success(request, _("Your initiative has been started"))
                return redirect(initiative)
    else:
        form = InitiativeForm(
            wards=offered.distinct(),
            initial={
                "title": priority.title[:150],
                "problem": priority.detail
                or _("Residents chose “%(t)s” as a priority in “%(q)s”.")
                % {"t": priority.title, "q": exercise.question},
                "wards": [w.pk for w in area],
            },
        )
    return render(request, "initiatives/form.html", {"form": form, "editing": False})
