"""Opinion-map pages: thin views that parse input, ask the rules and call the services.

Anything a user can type gets a clear message and changes nothing; a map the user may not see
is the same 404 as one that does not exist. Every form works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.groups.models import Group
from grassroots.opinions import engine, picture, selectors, services
from grassroots.opinions.forms import (
    STATEMENT_HINT,
    MapForm,
    ModerateForm,
    SeedForm,
    StatementForm,
    VoteForm,
)
from grassroots.opinions.models import OpinionMap, Statement, StatementStatus
from grassroots.opinions.polis_io import export_zip
from grassroots.opinions.rules import vote_refusal
from grassroots.places.models import Ward

PAGE_SIZE = 20


def _map(request: HttpRequest, pk: int) -> OpinionMap:
    opinion_map = selectors.map_detail(request.user, pk)
    if opinion_map is None or not request.user.has_perm("opinions.see", opinion_map):
        raise Http404
    return opinion_map


def report_url(opinion_map: OpinionMap) -> str:
    """The report page, once it exists (another part of the app builds it)."""
    try:
        return reverse("opinions:report", kwargs={"pk": opinion_map.pk})
    except NoReverseMatch:
        return ""


def _form_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Check what you entered")


@require_safe
def map_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.map_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opinions/list.html", {"page": page, "maps": page.object_list})


def _detail_context(
    request: HttpRequest, opinion_map: OpinionMap, statement_form: StatementForm | None = None
) -> dict[str, Any]:
    user = request.user
    return {
        "map": opinion_map,
        "ballot": selectors.ballot(opinion_map, user),
        "refusal": vote_refusal(user, opinion_map),
        "may_add": user.has_perm("opinions.add_statement", opinion_map),
        "may_manage": user.has_perm("opinions.manage", opinion_map),
        "may_moderate": user.has_perm("opinions.moderate", opinion_map),
        "statement_form": statement_form or StatementForm(),
        "statement_hint": STATEMENT_HINT,
        "report_url": report_url(opinion_map),
    }


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    return render(request, "opinions/detail.html", _detail_context(request, opinion_map))


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    actor = actor_of(request)
    refusal = vote_refusal(actor, opinion_map)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(opinion_map.get_absolute_url())
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(opinion_map.get_absolute_url())
    try:
        services.vote_cast(
            actor=actor,
            opinion_map=opinion_map,
            statement_id=form.cleaned_data["statement"],
            choice=form.cleaned_data["choice"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(opinion_map.get_absolute_url() + "#statement")


@login_required
@rate_limited("statement")
@require_http_methods(["GET", "POST"])
def add_statement(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    actor = actor_of(request)
    if not actor.has_perm("opinions.add_statement", opinion_map):
        raise PermissionDenied
    form = StatementForm(request.POST or None)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_add(
                actor=actor, opinion_map=opinion_map, text=form.cleaned_data["text"]
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(
                request,
                _("Thank you. Your statement will appear once it has been checked."),
            )
            return redirect(opinion_map.get_absolute_url())
    return render(
        request,
        "opinions/statement_form.html",
        {"map": opinion_map, "form": form, "extra_errors": extra_errors},
        status=400 if request.method == "POST" else 200,
    )


def _host(request: HttpRequest) -> Ward | Group:
    ward = request.GET.get("ward", "")
    group = request.GET.get("group", "")
    if ward.isdigit():
        return get_object_or_404(Ward.objects.select_related("council"), pk=int(ward))
    if group.isdigit():
        return get_object_or_404(Group, pk=int(group))
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    host = _host(request)
    actor = actor_of(request)
    require(actor, "opinions.start", host)
    form = MapForm(request.POST or None)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion_map = services.map_create(
                actor=actor,
                host=host,
                question=data["question"],
                description=data["description"],
                audience=data["audience"],
                allow_statements=data["allow_statements"],
                seeds=data["seeds"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("Your opinion map has started."))
            return redirect(opinion_map.get_absolute_url())
    return render(
        request,
        "opinions/map_form.html",
        {"host": host, "form": form, "extra_errors": extra_errors},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def seed(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    actor = actor_of(request)
    require(actor, "opinions.manage", opinion_map)
    form = SeedForm(request.POST or None)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            added = services.statement_seed(
                actor=actor, opinion_map=opinion_map, texts=form.cleaned_data["seeds"]
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("%(n)d statements published.") % {"n": len(added)})
            return redirect(opinion_map.get_absolute_url())
    return render(
        request,
        "opinions/seed_form.html",
        {"map": opinion_map, "form": form, "extra_errors": extra_errors},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    actor = actor_of(request)
    require(actor, "opinions.moderate", opinion_map)
    if request.method == "POST":
        form = ModerateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_error(form))
            return redirect("opinions:moderate", pk=opinion_map.pk)
        data = form.cleaned_data
        statement = (
            Statement.objects.select_related("author__user")
            .filter(pk=data["statement"], map=opinion_map)
            .first()
        )
        if statement is None:
            messages.error(request, _("This statement is not in this opinion map"))
            return redirect("opinions:moderate", pk=opinion_map.pk)
        statement.map = opinion_map
        try:
            services.statement_moderate(
                actor=actor,
                statement=statement,
                publish=data["decision"] == "publish",
                reason=data["reason"] or "",
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if statement.status == StatementStatus.PUBLISHED:
                messages.success(request, _("Statement published."))
            else:
                messages.success(request, _("Statement not published. Its author is told why."))
        return redirect("opinions:moderate", pk=opinion_map.pk)
    return render(
        request,
        "opinions/moderate.html",
        {"map": opinion_map, "pending": selectors.pending_statements(opinion_map)},
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    actor = actor_of(request)
    require(actor, "opinions.manage", opinion_map)
    reopening = request.POST.get("action") == "reopen"
    try:
        if reopening:
            services.map_reopen(actor=actor, opinion_map=opinion_map)
        else:
            services.map_close(actor=actor, opinion_map=opinion_map)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The map is open again.") if reopening else _("The map is closed.")
        )
    return redirect(opinion_map.get_absolute_url())


def _picture(opinion_map: OpinionMap, data: selectors.Report) -> str:
    groups = [picture.Spot(g.label, g.x, g.y) for g in data.groups]
    dots = [picture.Dot(x, y, position) for _pid, x, y, position in data.points]
    parts = [
        _("Group %(label)s: %(n)d people, drawn as %(shape)s")
        % {
            "label": g.label,
            "n": g.size,
            "shape": picture.SHAPE_NAMES[picture.style(g.position)[1]],
        }
        for g in data.groups
    ]
    description = _("Each mark is one participant; people who voted alike are close together. ")
    description += "; ".join(parts) + "."
    title = _("Opinion groups for: %(question)s") % {"question": opinion_map.question}
    return picture.scatter_svg(dots, groups, title=title, description=description)


@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    data = selectors.report(opinion_map)
    svg = _picture(opinion_map, data) if data.computed and data.points else ""
    legend = [
        {
            "label": g.label,
            "colour": picture.style(g.position)[0],
            "shape": picture.SHAPE_NAMES[picture.style(g.position)[1]],
        }
        for g in data.groups
    ]
    return render(
        request,
        "opinions/report.html",
        {
            "map": opinion_map,
            "report": data,
            "picture": mark_safe(svg),  # noqa: S308 -- built by picture.py, every text escaped
            "legend": legend,
            "may_moderate": request.user.has_perm("opinions.moderate", opinion_map),
            "min_votes": engine.MIN_VOTES,
            "min_people": engine.MIN_PARTICIPANTS,
        },
    )


@require_safe
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    opinion_map = _map(request, pk)
    return JsonResponse(
        {
            "computing": opinion_map.computing_since is not None,
            "progress": opinion_map.progress,
        }
    )


@require_safe
def export(request: HttpRequest, pk: int) -> HttpResponse:
    opinion_map = _map(request, pk)
    url = request.build_absolute_uri(opinion_map.get_absolute_url())
    response = HttpResponse(export_zip(opinion_map, url=url), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="opinion-map-{opinion_map.pk}-polis-export.zip"'
    )
    return response
