"""Pages of the guide: the councillors' learning path and the residents' courses for readers,
the councillors' private self-assessment, and the editors' pages that write and publish them.

Views only translate: a refused permission is a 403, something that is not there (or is
someone else's self-assessment) a 404, a `ServiceError` a message beside the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.learning import assessment, selectors, selectors_readers, services
from grassroots.learning.actions import next_step
from grassroots.learning.forms_guide import (
    CourseForm,
    DiffForm,
    PageForm,
    ReflectionForm,
    SelfAssessmentForm,
)
from grassroots.learning.markdown import render as render_markdown
from grassroots.learning.models import Course, GuidePage, PageKind, PageVersion, SelfAssessment
from grassroots.learning.services_readers import (
    completion_set,
    reflection_save,
    self_assessment_take,
)

# --- Readers ------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    courses = selectors_readers.published_courses()
    progress = selectors_readers.progress_of(request.user, courses)
    rows = [(course, progress[course.pk]) for course in courses]
    return render(
        request,
        "learning/guide/index.html",
        {
            "path": [row for row in rows if row[0].kind == PageKind.MODULE],
            "courses": [row for row in rows if row[0].kind == PageKind.LESSON],
            "may_self_assess": request.user.has_perm("learning.self_assess"),
            "may_edit": request.user.has_perm("learning.create_page"),
        },
    )


def _course(slug: str) -> Course:
    course = selectors_readers.course_for_reader(slug)
    if course is None:
        raise Http404
    return course


@require_safe
def course(request: HttpRequest, slug: str) -> HttpResponse:
    found = _course(slug)
    pages: list[GuidePage] = found.live_pages  # type: ignore[attr-defined]
    done = selectors_readers.done_page_ids(request.user, pages)
    return render(
        request,
        "learning/guide/course.html",
        {
            "course": found,
            "pages": [(page, page.pk in done) for page in pages],
            "progress": selectors_readers.Progress(done=len(done), total=len(pages)),
            "first_not_done": next((p for p in pages if p.pk not in done), None),
        },
    )


def _page_context(
    request: HttpRequest, found: Course, page: GuidePage, form: ReflectionForm | None = None
) -> dict[str, Any]:
    reflection = selectors_readers.reflection_of(request.user, page)
    version = page.live
    assert version is not None
    if form is None:
        form = ReflectionForm(initial={"text": reflection.text if reflection else ""})
    before, after = selectors_readers.neighbours(found, page)
    return {
        "course": found,
        "page": page,
        "version": version,
        "done": bool(selectors_readers.done_page_ids(request.user, [page])),
        "reflection": reflection,
        "form": form,
        "next_step": next_step(version.action, request.user),
        "before": before,
        "after": after,
    }


def _page(course_slug: str, page_slug: str) -> tuple[Course, GuidePage]:
    found = _course(course_slug)
    page = selectors_readers.page_for_reader(found, page_slug)
    if page is None:
        raise Http404
    return found, page


@require_safe
def page(request: HttpRequest, course_slug: str, page_slug: str) -> HttpResponse:
    found, shown = _page(course_slug, page_slug)
    return render(request, "learning/guide/page.html", _page_context(request, found, shown))


@login_required
@require_POST
def reflect(request: HttpRequest, course_slug: str, page_slug: str) -> HttpResponse:
    found, shown = _page(course_slug, page_slug)
    require(request.user, "learning.save_progress", shown)
    form = ReflectionForm(request.POST)
    extra_errors: list[str] = []
    if form.is_valid():
        try:
            reflection_save(actor=actor_of(request), page=shown, text=form.cleaned_data["text"])
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("Your reflection has been saved. Only you can see it."))
            return redirect(f"{_page_url(found, shown)}#reflection")
    context = _page_context(request, found, shown, form)
    context["extra_errors"] = extra_errors
    return render(request, "learning/guide/page.html", context)


def _page_url(found: Course, page: GuidePage) -> str:
    return reverse("guide:page", args=[found.slug, page.slug])


@login_required
@require_POST
def done(request: HttpRequest, course_slug: str, page_slug: str) -> HttpResponse:
    found, shown = _page(course_slug, page_slug)
    require(request.user, "learning.save_progress", shown)
    mark = request.POST.get("done", "yes") != "no"
    try:
        completion_set(actor=actor_of(request), page=shown, done=mark)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_page_url(found, shown))
    if mark:
        messages.success(request, _("“%(title)s” is marked as done") % {"title": shown.title})
        _before, after = selectors_readers.neighbours(found, shown)
        if after is not None:
            return redirect(_page_url(found, after))
        return redirect(reverse("guide:course", args=[found.slug]))
    messages.success(request, _("“%(title)s” is marked as not done") % {"title": shown.title})
    return redirect(_page_url(found, shown))


# --- The councillors' self-assessment (private to each councillor) ------------------------------


def _role_rows(scores: dict[str, float], record: dict[str, int]) -> list[dict[str, Any]]:
    """Each role with its score and the record the site holds that matches it."""
    matching = {
        assessment.FACILITATE: [
            (_("Offers to facilitate"), record.get("facilitate", 0)),
            (
                _("Surgeries and ward events at a community venue"),
                record.get("community_venue_events", 0),
            ),
        ],
        assessment.CONNECT: [(_("Offers to connect"), record.get("connect", 0))],
        assessment.ADVOCATE: [
            (_("Offers to advocate"), record.get("advocate", 0)),
            (_("Advocacy cases raised"), record.get("advocacy_cases", 0)),
        ],
        assessment.STEP_BACK: [
            (_("Help requests you answered"), record.get("help_requests_answered", 0)),
        ],
    }
    return [
        {"label": label, "score": scores.get(role), "record": matching[role]}
        for role, label in assessment.ROLES.items()
    ]


@login_required
@require_safe
def assessment_index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("learning.self_assess"):
        raise PermissionDenied
    taken = selectors_readers.assessments_of(request.user)
    record = selectors_readers.record_of(request.user)
    return render(
        request,
        "learning/guide/assessment_index.html",
        {
            "taken": [(a, [a.scores.get(role) for role in assessment.ROLES]) for a in taken],
            "roles": list(assessment.ROLES.values()),
            "rows": _role_rows({}, record),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("learning.self_assess"):
        raise PermissionDenied
    form = SelfAssessmentForm(request.POST if request.method == "POST" else None)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            taken = self_assessment_take(actor=actor_of(request), answers=form.answers())
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("Your answers have been saved. Only you can see them."))
            return redirect(reverse("guide:assessment", args=[taken.pk]))
    return render(
        request,
        "learning/guide/assessment_form.html",
        {"form": form, "extra_errors": extra_errors},
    )


@login_required
@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    taken: SelfAssessment | None = selectors_readers.assessment_for(request.user, pk)
    if taken is None:
        raise Http404
    require(request.user, "learning.see_assessment", taken)
    before = selectors_readers.assessment_before(taken)
    rows = _role_rows(taken.scores, taken.record)
    if before is not None:
        moved = assessment.change(before.scores, taken.scores)
        for row, role in zip(rows, assessment.ROLES, strict=True):
            row["change"] = moved[role]
    strongest, weakest = assessment.strongest_and_weakest(taken.scores)
    return render(
        request,
        "learning/guide/assessment_detail.html",
        {
            "assessment": taken,
            "before": before,
            "rows": rows,
            "strongest": assessment.ROLES[strongest],
            "weakest": assessment.ROLES[weakest],
        },
    )


# --- Editors ------------------------------------------------------------------------------------


def _editor(request: HttpRequest, perm: str = "learning.create_page", obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
@require_safe
def edit_index(request: HttpRequest) -> HttpResponse:
    _editor(request)
    return render(
        request,
        "learning/guide/edit_index.html",
        {"courses": selectors_readers.courses_for_editors()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = CourseForm(request.POST if request.method == "POST" else None)
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.course_create(
                actor=actor_of(request),
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
            )
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, _("“%(title)s” has been created") % {"title": created.title})
            return redirect(reverse("guide:page_new", args=[created.slug]))
    return render(
        request,
        "learning/guide/edit_form.html",
        {
            "form": form,
            "extra_errors": extra_errors,
            "title": _("Add a course"),
            "button": _("Create the course"),
            "back": reverse("guide:edit"),
        },
    )


def _text(form: PageForm) -> services.PageText:
    data = form.cleaned_data
    return services.PageText(
        title=data["title"],
        body=data["body"],
        summary=data["summary"],
        reflection=data["reflection"],
        action=data["action"] or "",
    )


def _page_form(
    request: HttpRequest,
    *,
    initial: dict[str, Any],
    save: Any,
    title: str,
    caption: str,
    back: str,
) -> HttpResponse:
    """Write a page's text: "Preview" posts and shows it rendered on the server (no
    JavaScript needed), "Save" writes a new version."""
    posted = request.method == "POST"
    form = PageForm(request.POST if posted else None, initial=initial)
    extra_errors: list[str] = []
    preview = None
    if posted and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body"])
        else:
            try:
                version = save(_text(form))
            except ServiceError as error:
                extra_errors.append(error.message)
            else:
                messages.success(
                    request,
                    _("Version %(number)d has been saved. Readers see it once it is published.")
                    % {"number": version.number},
                )
                return redirect(reverse("guide:history", args=[version.page_id]))
    return render(
        request,
        "learning/guide/page_form.html",
        {
            "form": form,
            "extra_errors": extra_errors,
            "title": title,
            "caption": caption,
            "back": back,
            "preview": preview,
            "preview_title": form.cleaned_data.get("title") if preview is not None else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def page_new(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Course, slug=slug)
    _editor(request, "learning.create_page", found)
    actor = actor_of(request)

    def save(text: services.PageText) -> PageVersion:
        created = services.page_create(actor=actor, course=found, text=text)
        return created.versions.get(number=1)

    return _page_form(
        request,
        initial={},
        save=save,
        title=_("Add a page"),
        caption=found.title,
        back=reverse("guide:edit"),
    )


def _editable(request: HttpRequest, pk: int, perm: str) -> GuidePage:
    found = get_object_or_404(GuidePage.objects.select_related("course", "live"), pk=pk)
    _editor(request, perm, found)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def page_revise(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk, "learning.revise_page")
    latest = found.versions.order_by("-number").first()
    initial = (
        {
            "title": latest.title,
            "summary": latest.summary,
            "body": latest.body,
            "reflection": latest.reflection,
            "action": latest.action,
        }
        if latest
        else {}
    )
    actor = actor_of(request)
    return _page_form(
        request,
        initial=initial,
        save=lambda text: services.page_revise(actor=actor, page=found, text=text),
        title=_("Revise the page"),
        caption=found.title,
        back=reverse("guide:history", args=[found.pk]),
    )


@login_required
@require_safe
def history(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk, "learning.see_drafts")
    versions = selectors.versions_of(found)
    numbers = [v.number for v in versions]
    form = DiffForm(
        initial={"old": numbers[-2] if len(numbers) > 1 else None, "new": numbers[-1]},
        numbers=numbers,
    )
    return render(
        request,
        "learning/guide/history.html",
        {"page": found, "versions": versions, "diff_form": form, "compare": len(numbers) > 1},
    )


@login_required
@require_safe
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    found = _editable(request, pk, "learning.see_drafts")
    shown = get_object_or_404(PageVersion, page=found, number=number)
    return render(request, "learning/guide/version.html", {"page": found, "version": shown})


@login_required
@require_safe
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk, "learning.see_drafts")
    versions = {v.number: v for v in selectors.versions_of(found)}
    form = DiffForm(request.GET or None, numbers=sorted(versions))
    lines: list[tuple[str, str]] = []
    if form.is_valid():
        old, new = versions[form.cleaned_data["old"]], versions[form.cleaned_data["new"]]
        for line in selectors.version_diff(old, new):
            if line.startswith(("---", "+++", "@@")):
                kind = "meta"
            elif line.startswith("+"):
                kind = "added"
            elif line.startswith("-"):
                kind = "removed"
            else:
                kind = "same"
            lines.append((kind, line))
    return render(
        request,
        "learning/guide/diff.html",
        {
            "page": found,
            "form": form,
            "lines": lines,
            "compared": form.is_bound and form.is_valid(),
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    found = _editable(request, pk, "learning.publish_page")
    shown = get_object_or_404(PageVersion, page=found, number=number)
    try:
        services.page_publish(actor=actor_of(request), page=found, version=shown)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Version %(number)d is now live") % {"number": shown.number})
    return redirect(reverse("guide:history", args=[found.pk]))
