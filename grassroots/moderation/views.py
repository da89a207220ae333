"""Pages for reporting, the moderators' queue, safeguarding concerns and the audit export.

Thin: parse, check permission, call a service or selector, render. Something a person may not
see answers 404 exactly as a missing one does; a moderator asking about safeguarded content
gets the same 404.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.moderation import selectors, services, targets
from grassroots.moderation.forms import (
    CloseConcernForm,
    ConcernHideForm,
    ConcernRestoreForm,
    DismissForm,
    ExportForm,
    ReasonForm,
    ReportForm,
)
from grassroots.moderation.models import ConcernStatus, SafeguardingConcern

# --- Reporting (anyone signed in, about what they can see).


@login_required
@rate_limited("report")
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = targets.visible_target(request.user, kind, pk)
    if item is None:
        raise Http404
    require(request.user, "moderation.report", item)
    description = targets.describe(item)
    extra_errors: list[str] = []
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                result = services.report_create(
                    reporter=actor_of(request),
                    item=item,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except ServiceError as error:
                form.add_error("reason", str(error))
            else:
                if isinstance(result, SafeguardingConcern):
                    return redirect("moderation:concern_sent")
                return redirect("moderation:report_sent")
    else:
        form = ReportForm()
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "item": description, "extra_errors": extra_errors},
    )


@login_required
@require_safe
def report_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/report_sent.html")


@login_required
@require_safe
def concern_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/concern_sent.html")


@login_required
@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    return render(
        request, "moderation/my_reports.html", {"rows": selectors.my_reports(request.user)}
    )


# --- The moderators' queue.


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "moderation.view_queue")
    return render(
        request,
        "moderation/queue.html",
        {"items": selectors.queue(), "held": list(selectors.held_posts())},
    )


def _moderated_item(request: HttpRequest, kind: str, pk: int) -> Any:
    require(request.user, "moderation.decide")
    item = targets.load_target(kind, pk)
    if item is None or targets.is_safeguarded(item):
        raise Http404
    return item


def _item_page(
    request: HttpRequest,
    item: Any,
    *,
    hide_form: forms.Form | None = None,
    restore_form: forms.Form | None = None,
    dismiss_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = targets.kind_of(item)
    reports = list(selectors.reports_about(item))
    failed = hide_form or restore_form or dismiss_form
    return render(
        request,
        "moderation/item.html",
        {
            "kind": kind,
            "item": item,
            "description": targets.describe(item),
            "hidden": targets.is_hidden(item),
            "can_hide": hasattr(item, "hidden_at"),
            "reports": reports,
            "open_reports": [r for r in reports if r.status == "open"],
            "hide_form": hide_form or ReasonForm(prefix="hide"),
            "restore_form": restore_form or ReasonForm(prefix="restore"),
            "dismiss_form": dismiss_form or DismissForm(prefix="dismiss"),
            "form": failed,
        },
        status=status,
    )


@login_required
@require_safe
def item_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return _item_page(request, _moderated_item(request, kind, pk))


@login_required
@require_POST
def item_decide(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    item = _moderated_item(request, kind, pk)
    form: forms.Form
    if action == "dismiss":
        form = DismissForm(request.POST, prefix="dismiss")
    elif action in ("hide", "restore"):
        form = ReasonForm(request.POST, prefix=action)
    else:
        raise Http404
    if form.is_valid():
        try:
            if action == "hide":
                services.item_hide(
                    moderator=actor_of(request), item=item, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Hidden. The author has been told why"))
            elif action == "restore":
                services.item_restore(
                    moderator=actor_of(request), item=item, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Shown again. The author has been told"))
            else:
                services.reports_dismiss(
                    moderator=actor_of(request), item=item, note=form.cleaned_data["note"]
                )
                messages.success(
                    request, _("Reports dismissed. The people who reported it have been told")
                )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            return redirect("moderation:queue")
    if action == "hide":
        return _item_page(request, item, hide_form=form)
    if action == "restore":
        return _item_page(request, item, restore_form=form)
    return _item_page(request, item, dismiss_form=form)


@login_required
@require_POST
def held_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "moderation.decide")
    post = selectors.held_post(pk)
    if post is None:
        raise Http404
    try:
        services.held_post_approve(moderator=actor_of(request), post=post)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reply approved. It is now shown"))
    return redirect("moderation:queue")


@login_required
@require_http_methods(["GET", "POST"])
def held_reject(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "moderation.decide")
    post = selectors.held_post(pk)
    if post is None:
        raise Http404
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.held_post_reject(
                    moderator=actor_of(request), post=post, reason=form.cleaned_data["reason"]
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Reply not approved. The author has been told why"))
                return redirect("moderation:queue")
    else:
        form = ReasonForm()
    return render(request, "moderation/held_reject.html", {"form": form, "post": post})


# --- Safeguarding concerns (the council's contacts and site admins only).


@login_required
@require_safe
def concerns(request: HttpRequest) -> HttpResponse:
    require(request.user, "moderation.view_concerns")
    rows = list(selectors.concerns_for(request.user)[:500])
    return render(
        request,
        "moderation/concerns.html",
        {
            "open_rows": [c for c in rows if c.status != ConcernStatus.CLOSED],
            "closed_rows": [c for c in rows if c.status == ConcernStatus.CLOSED],
        },
    )


def _concern(request: HttpRequest, pk: int) -> SafeguardingConcern:
    concern = selectors.concern_by_id(pk)
    # Anyone not allowed to see it gets the same 404 as for a concern that does not exist.
    if concern is None or not request.user.has_perm("moderation.view_concern", concern):
        raise Http404
    return concern


@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _concern(request, pk)
    form = CloseConcernForm()
    if request.method == "POST":
        require(request.user, "moderation.handle_concern", concern)
        action = request.POST.get("action", "")
        try:
            if action == "acknowledge":
                services.concern_acknowledge(user=actor_of(request), concern=concern)
                messages.success(request, _("Concern acknowledged"))
                return redirect("moderation:concern", pk=concern.pk)
            if action == "close":
                form = CloseConcernForm(request.POST)
                if form.is_valid():
                    services.concern_close(
                        user=actor_of(request), concern=concern, note=form.cleaned_data["note"]
                    )
                    messages.success(request, _("Concern closed"))
                    return redirect("moderation:concern", pk=concern.pk)
            else:
                raise Http404
        except ServiceError as error:
            form.add_error(None, str(error))
    item = concern.target
    return render(
        request,
        "moderation/concern.html",
        {
            "concern": concern,
            "form": form,
            "item": item,
            "item_hidden": targets.is_hidden(item),
            "can_hide": item is not None
            and hasattr(item, "hidden_at")
            and request.user.has_perm("moderation.hide_concern_item", concern),
            "can_restore": item is not None
            and hasattr(item, "hidden_at")
            and request.user.has_perm("moderation.restore_concern_item", concern),
        },
    )


def _concern_item_decision(
    request: HttpRequest,
    pk: int,
    *,
    perm: str,
    acts_on_hidden: bool,
    not_now: str,
    form_class: type[forms.Form],
    act: Callable[[SafeguardingConcern, dict[str, Any]], object],
    done: str,
    heading: str,
    template: str,
) -> HttpResponse:
    """Hide, or show again, what a concern is about: a confirmation page with its form on GET,
    the change on POST only. 404 for anybody `perm` does not allow, as for a missing concern;
    `not_now` when the item is not (or no longer) in the state the decision acts on."""
    concern = _concern(request, pk)
    if not request.user.has_perm(perm, concern):
        raise Http404
    item = concern.target
    if item is None or not hasattr(item, "hidden_at"):
        raise Http404
    if targets.is_hidden(item) != acts_on_hidden:
        messages.info(request, not_now)
        return redirect("moderation:concern", pk=concern.pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act(concern, form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("moderation:concern", pk=concern.pk)
    description = targets.describe(item)
    return render(
        request,
        template,
        {
            "concern": concern,
            "form": form,
            "item": item,
            "description": description,
            "heading": heading % {"kind": description.kind_label.lower()},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide what a concern is about, with the reason the author will be told."""
    return _concern_item_decision(
        request,
        pk,
        perm="moderation.hide_concern_item",
        acts_on_hidden=False,
        not_now=_("This is already hidden"),
        form_class=ConcernHideForm,
        act=lambda concern, data: services.concern_item_hide(
            user=actor_of(request), concern=concern, reason=data["reason"]
        ),
        done=_("Hidden. The author has been told the reason"),
        heading=_("Hide this %(kind)s"),
        template="moderation/concern_hide.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what a concern is about again, with an optional note for the record."""
    return _concern_item_decision(
        request,
        pk,
        perm="moderation.restore_concern_item",
        acts_on_hidden=True,
        not_now=_("This is not hidden"),
        form_class=ConcernRestoreForm,
        act=lambda concern, data: services.concern_item_restore(
            user=actor_of(request), concern=concern, note=data["note"]
        ),
        done=_("Shown again. The author has been told"),
        heading=_("Show this %(kind)s again"),
        template="moderation/concern_restore.html",
    )


# --- Export of the moderation audit log (site admins, after signing in again).


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
@require_http_methods(["GET", "POST"])
def audit_export(request: HttpRequest) -> HttpResponseBase:
    require(request.user, "moderation.export_audit")
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            writer = csv.writer(_Echo())
            header = [
                "When (Europe/London)",
                "Who",
                "Action",
                "Object type",
                "Object id",
                "Summary",
            ]

            def rows() -> Any:
                yield writer.writerow(header)
                for entry in selectors.audit_entries(start, end):
                    yield writer.writerow(
                        [
                            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                            _csv_safe(entry.actor.public_name if entry.actor else "system"),
                            entry.action,
                            entry.object_type,
                            entry.object_id,
                            _csv_safe(entry.summary),
                        ]
                    )

            services.audit_export_record(admin=actor_of(request), start=start, end=end)
            response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
            name = f"moderation-audit-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    else:
        today = timezone.localdate()
        form = ExportForm(initial={"date_from": today.replace(day=1), "date_to": today})
    return render(
        request,
        "moderation/export.html",
        {"form": form, "back": reverse("moderation:queue")},
    )


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: make it plain text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
