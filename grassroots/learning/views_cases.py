"""Case study pages: the list, the feed, one story, and the steps of telling one (thin: the
services do the work, `selectors_cases` shapes the reads, `learning.rules` says who may)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.initiatives import visibility as initiative_visibility
from grassroots.initiatives.models import Initiative
from grassroots.learning import selectors_cases as selectors
from grassroots.learning import services_cases as services
from grassroots.learning.forms_cases import (
    ApproveForm,
    CaseForm,
    ContactForm,
    FilterForm,
    NewCaseForm,
    ReflectionForm,
    StartForm,
)
from grassroots.learning.models_cases import CaseContact, CaseStatus, CaseStudy, field_label
from grassroots.learning.services_cases import TEXT_FIELDS, CaseText

PAGE_SIZE = 20
ACTIONS = ("change", "submit", "approve", "reflect_on", "review")


def _case(request: HttpRequest, pk: int) -> CaseStudy:
    case = selectors.case_for(request.user, pk)
    if case is None:
        raise Http404
    return case


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(selectors.case_list(request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "learning/cases/list.html",
        {
            "form": form,
            "page": page,
            "cases": page.object_list,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "may_write": request.user.has_perm("learning.create_case_study", None),
        },
    )


class CaseStudiesFeed(Feed):  # type: ignore[type-arg]
    """Published case studies, newest first: the same for everybody."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Case studies")

    def link(self) -> str:
        return reverse("cases:list")

    def subtitle(self) -> str:
        return _("How residents and their councillors worked together, newest first.")

    def items(self) -> list[CaseStudy]:
        return selectors.feed_items()

    def item_title(self, item: CaseStudy) -> str:
        return item.title

    def item_description(self, item: CaseStudy) -> str:
        return item.summary or item.challenge[:500]

    def item_link(self, item: CaseStudy) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: CaseStudy) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: CaseStudy) -> datetime.datetime:
        return item.updated_at


def _sections(case: CaseStudy, *names: str) -> list[tuple[str, str, str]]:
    """(name, heading, Markdown) of each part of the story that says something."""
    return [
        (name, field_label(name), getattr(case, name))
        for name in names
        if getattr(case, name).strip()
    ]


@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    can = {name: request.user.has_perm(f"learning.{name}_case_study", case) for name in ACTIONS}
    return render(
        request,
        "learning/cases/detail.html",
        {
            "case": case,
            "can": can,
            "before": _sections(case, "challenge", "residents_did"),
            "roles": _sections(case, "facilitate", "connect", "advocate"),
            "after": _sections(case, "council_did", "outcomes", "evidence", "differently"),
            "links": selectors.links_of(request.user, case),
            "related": selectors.related_to(case) if case.is_published else [],
            "approve_form": ApproveForm() if case.safeguarded else None,
            "Status": CaseStatus,
        },
    )


@login_required
@require_safe
def case_mine(request: HttpRequest) -> HttpResponse:
    editor = request.user.has_perm("learning.create_case_study", None)
    return render(
        request,
        "learning/cases/mine.html",
        {
            "mine": selectors.mine(request.user),
            "to_start": selectors.stories_to_start(request.user),
            "queue": selectors.editor_queue() if editor else [],
            "editor": editor,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "learning.create_case_study", None)
    form = NewCaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_study_create(
                actor=actor_of(request),
                council=form.cleaned_data["council"],
                title=form.cleaned_data["title"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case study started: now write it"))
            return redirect("cases:edit", pk=case.pk)
    return render(request, "learning/cases/new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_start(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = initiative_visibility.visible_initiatives(
        request.user, Initiative.objects.filter(slug=slug)
    ).first()
    if initiative is None:
        raise Http404
    require(request.user, "learning.start_case_study", initiative)
    existing = selectors.story_of(initiative)
    if existing is not None:
        return redirect(existing)
    form = StartForm(
        request.POST if request.method == "POST" else None, safeguarded=initiative.is_safeguarded
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_study_start(
                actor=actor_of(request),
                initiative=initiative,
                consent_anonymised=bool(form.cleaned_data.get("consent")),
            )
        except ServiceError as exc:
            errors.append(exc.message)
        else:
            messages.success(
                request, _("Your story has been started from the initiative: check and add to it")
            )
            return redirect("cases:edit", pk=case.pk)
    return render(
        request,
        "learning/cases/start.html",
        {"initiative": initiative, "form": form, "extra_errors": errors},
    )


def _text(form: CaseForm, case: CaseStudy) -> CaseText:
    data = form.cleaned_data
    return CaseText(
        title=data["title"],
        summary=data.get("summary", ""),
        themes=list(data["themes"]),
        place_type=data["place_type"],
        result=data["result"],
        anonymised=bool(data.get("anonymised")),
        wards=list(data.get("wards") or []),
        related_initiatives=list(data.get("related_initiatives") or []),
        groups=list(data.get("groups") or []),
        funds=list(data.get("funds") or []),
        assets=list(data.get("assets") or []),
        events=list(data.get("events") or []),
        **{name: data.get(name, "") for name in TEXT_FIELDS},
    )


def _initial(case: CaseStudy) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(case, name)
        for name in ("title", "summary", "place_type", "result", "anonymised", *TEXT_FIELDS)
    }
    initial["themes"] = [t.theme for t in case.themes.all()]
    for name in ("wards", "related_initiatives", "groups", "funds", "events", "assets"):
        initial[name] = list(getattr(case, name).values_list("pk", flat=True))
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require(request.user, "learning.change_case_study", case)
    initial = _initial(case)
    form = CaseForm(request.POST if request.method == "POST" else None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_study_update(actor=actor_of(request), case=case, text=_text(form, case))
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your changes have been saved"))
            return redirect(case)
    return render(request, "learning/cases/edit.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require(request.user, "learning.change_case_study", case)
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=actor_of(request), case=case, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Contact added"))
            return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + "#contacts")
    return render(request, "learning/cases/contact.html", {"case": case, "form": form})


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int, contact: int) -> HttpResponse:
    case = _case(request, pk)
    row = get_object_or_404(CaseContact, pk=contact, case_study=case)
    return _act(
        request,
        case,
        lambda actor: services.contact_remove(actor=actor, contact=row),
        _("Contact removed"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_reflect(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    require(request.user, "learning.reflect_on_case_study", case)
    support = selectors.support_of(case.initiative_id, actor_of(request).pk)
    mine = case.reflections.filter(written_by_id=request.user.pk).first()
    initial = (
        {"role": mine.role, "text": mine.text}
        if mine
        else {"role": support.kind if support else ""}
    )
    form = ReflectionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_save(actor=actor_of(request), case=case, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your reflection has been saved"))
            return redirect(case)
    return render(request, "learning/cases/reflect.html", {"case": case, "form": form})


def _act(
    request: HttpRequest,
    case: CaseStudy,
    do: Callable[[Any], object],
    done: Any,
) -> HttpResponse:
    """Run one status change; a refusal comes back as a message on the story's page."""
    try:
        do(actor_of(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(case)


def _action(verb: str, service: Callable[..., object], done: Any) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        case = _case(request, pk)
        if not request.user.has_perm(f"learning.{verb}_case_study", case):
            raise PermissionDenied
        return _act(request, case, lambda actor: service(actor=actor, case=case), done)

    view.__name__ = f"case_{service.__name__}"
    return view


case_submit = _action(
    "submit", services.case_study_submit, gettext_lazy("Your story has been sent to the editors")
)
case_send_for_approval = _action(
    "review",
    services.case_study_send_for_approval,
    gettext_lazy("Sent to the leads for their approval"),
)
case_request_changes = _action(
    "approve",
    services.case_study_request_changes,
    gettext_lazy("The editors have been asked for changes"),
)
case_publish = _action(
    "review", services.case_study_publish, gettext_lazy("The case study is published")
)
case_withdraw = _action(
    "review", services.case_study_withdraw, gettext_lazy("The case study is withdrawn")
)


@login_required
@require_POST
def case_approve(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not request.user.has_perm("learning.approve_case_study", case):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    confirm = bool(form.is_valid() and form.cleaned_data.get("confirm"))
    return _act(
        request,
        case,
        lambda actor: services.case_study_approve(
            actor=actor, case=case, confirm_anonymised=confirm
        ),
        _("Thank you: you approved the final text and the case study is published"),
    )
