"""Pages and actions for councillor support. Thin: parse, check permission, call a service.

Anything about an initiative the user may not see answers 404, exactly like a missing one.
Each action has its own page (GET) so that errors can be shown in full without JavaScript; the
initiative page's support section posts to the same URLs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core import pagecache
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import Initiative
from grassroots.support import selectors, services
from grassroots.support.forms import (
    CaseForm,
    CaseMessageForm,
    CaseMoveForm,
    CaseTransferForm,
    DecideForm,
    FeedbackForm,
    HelpRequestForm,
    InviteForm,
    OfferForm,
    StatusForm,
    TakeForm,
)
from grassroots.support.models import OPEN_CASE_STATUSES, AdvocacyCase, HelpRequest, Support
from grassroots.support.services import support_page_url


def _initiative(request: HttpRequest, slug: str) -> Initiative:
    initiative = selectors.initiative_by_slug(request.user, slug)
    if initiative is None:
        raise Http404
    return initiative


def _support(request: HttpRequest, pk: int) -> Support:
    support = selectors.support_for(request.user, pk)
    if support is None:
        raise Http404
    return support


def _help_request(request: HttpRequest, pk: int) -> HelpRequest:
    help_request = selectors.help_request_for(request.user, pk)
    if help_request is None:
        raise Http404
    return help_request


def _case(request: HttpRequest, pk: int) -> AdvocacyCase:
    case = selectors.case_by_id(pk, request.user)
    if case is None or not request.user.has_perm("support.view_case", case):
        raise Http404
    return case


def _action_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    initiative: Initiative,
    button: str,
    back: str | None = None,
    extra_errors: list[Any] | None = None,
    intro: str = "",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "support/action_form.html",
        {
            "form": form,
            "title": title,
            "initiative": initiative,
            "button": button,
            "back": back or support_page_url(initiative),
            "extra_errors": extra_errors or [],
            "intro": intro,
            **(context or {}),
        },
        status=200,
    )


@require_safe
def initiative_support(request: HttpRequest, slug: str) -> HttpResponse:
    """The support section of an initiative as a page of its own."""
    initiative = _initiative(request, slug)
    return render(request, "support/initiative_support_page.html", {"initiative": initiative})


def _run(
    request: HttpRequest,
    *,
    perm: str,
    obj: Any,
    initiative: Initiative,
    form_class: type[forms.Form],
    title: str,
    button: str,
    action: Any,
    success: str,
    form_kwargs: dict[str, Any] | None = None,
    done_url: str | None = None,
    intro: str = "",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Shared shape of every form action: permission, form, service, message, redirect."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                result = action(form)
            except ServiceError as error:
                return _action_page(
                    request,
                    form=form,
                    title=title,
                    initiative=initiative,
                    button=button,
                    extra_errors=[error if error.url else error.message],
                    intro=intro,
                    context=context,
                )
            messages.success(request, success)
            if callable(done_url):
                return redirect(done_url(result))
            return redirect(done_url or support_page_url(initiative))
    else:
        form = form_class(**kwargs)
    return _action_page(
        request,
        form=form,
        title=title,
        initiative=initiative,
        button=button,
        intro=intro,
        context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _initiative(request, slug)
    return _run(
        request,
        perm="support.offer_support",
        obj=initiative,
        initiative=initiative,
        form_class=OfferForm,
        title=_("Offer support"),
        button=_("Offer support"),
        action=lambda f: services.support_offer(
            actor=actor_of(request),
            initiative=initiative,
            kind=f.cleaned_data["kind"],
            description=f.cleaned_data["description"],
        ),
        success=_("Your offer has been sent to the leads"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _initiative(request, slug)
    return _run(
        request,
        perm="support.invite_councillor",
        obj=initiative,
        initiative=initiative,
        form_class=InviteForm,
        title=_("Invite a councillor"),
        button=_("Send invitation"),
        action=lambda f: services.invitation_create(
            actor=actor_of(request),
            initiative=initiative,
            councillor=f.chosen,
            message=f.cleaned_data["message"],
        ),
        success=_("The councillor has been invited"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_for_help(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _initiative(request, slug)
    return _run(
        request,
        perm="support.ask_for_help",
        obj=initiative,
        initiative=initiative,
        form_class=HelpRequestForm,
        title=_("Ask your ward councillors for help"),
        button=_("Send request"),
        action=lambda f: services.help_request_create(
            actor=actor_of(request),
            initiative=initiative,
            kind=f.cleaned_data["kind"],
            message=f.cleaned_data["message"],
        ),
        success=_("Your request has been sent to your ward councillors"),
        context={"recipients": selectors.help_recipients(initiative)},
    )


class ConfirmForm(forms.Form):
    """No fields: the button is the answer."""


@login_required
@require_http_methods(["GET", "POST"])
def support_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request, pk)
    return _run(
        request,
        perm="support.withdraw_support",
        obj=support,
        initiative=support.initiative,
        form_class=ConfirmForm,
        title=_("Withdraw your offer"),
        button=_("Withdraw offer"),
        action=lambda f: services.support_withdraw(actor=actor_of(request), support=support),
        success=_("Your offer has been withdrawn"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.councillor_invitation_for(request.user, pk)
    if invitation is None:
        raise Http404
    return _run(
        request,
        perm="support.withdraw_invitation",
        obj=invitation,
        initiative=invitation.initiative,
        form_class=ConfirmForm,
        title=_("Withdraw the invitation to %(name)s") % {"name": invitation.councillor.name},
        button=_("Withdraw invitation"),
        action=lambda f: services.invitation_withdraw(
            actor=actor_of(request), invitation=invitation
        ),
        success=_("You withdrew the invitation to %(name)s") % {"name": invitation.councillor.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_accept(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request, pk)
    return _run(
        request,
        perm="support.decide_support",
        obj=support,
        initiative=support.initiative,
        form_class=ConfirmForm,
        title=_("Accept this offer"),
        button=_("Accept offer"),
        action=lambda f: services.support_decide(
            actor=actor_of(request), support=support, accept=True
        ),
        success=_("You accepted the offer"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_decline(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request, pk)
    return _run(
        request,
        perm="support.decide_support",
        obj=support,
        initiative=support.initiative,
        form_class=ConfirmForm,
        title=_("Decline this offer"),
        button=_("Decline offer"),
        action=lambda f: services.support_decide(
            actor=actor_of(request), support=support, accept=False
        ),
        success=_("You declined the offer"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_status(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request, pk)
    return _run(
        request,
        perm="support.move_support",
        obj=support,
        initiative=support.initiative,
        form_class=StatusForm,
        title=_("Update the status of this support"),
        button=_("Update status"),
        action=lambda f: services.support_move(
            actor=actor_of(request), support=support, status=f.cleaned_data["status"]
        ),
        success=_("The status has been updated"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request, pk)
    return _run(
        request,
        perm="support.give_feedback",
        obj=support,
        initiative=support.initiative,
        form_class=FeedbackForm,
        title=_("Give feedback on this support"),
        button=_("Send feedback"),
        action=lambda f: services.support_feedback_give(
            actor=actor_of(request),
            support=support,
            helped=f.cleaned_data["helped"],
            comment=f.cleaned_data["comment"],
        ),
        success=_("Thank you for your feedback"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def help_take(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _help_request(request, pk)
    return _run(
        request,
        perm="support.take_help_request",
        obj=help_request,
        initiative=help_request.initiative,
        form_class=TakeForm,
        title=_("Take this request for help"),
        button=_("Take this request"),
        intro=help_request.message,
        action=lambda f: services.help_request_take(
            actor=actor_of(request),
            help_request=help_request,
            description=f.cleaned_data["description"],
        ),
        success=_("You have taken this request. The leads have been told"),
    )


@login_required
@require_safe
def help_inbox(request: HttpRequest) -> HttpResponse:
    """Help requests in every ward the councillor represents, oldest waiting first."""
    if not request.user.has_perm("support.view_help_inbox"):
        raise PermissionDenied
    return render(request, "support/help_inbox.html", {"inbox": selectors.help_inbox(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def help_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _help_request(request, pk)
    return _run(
        request,
        perm="support.withdraw_help_request",
        obj=help_request,
        initiative=help_request.initiative,
        form_class=ConfirmForm,
        title=_("Withdraw this request for help"),
        button=_("Withdraw request"),
        action=lambda f: services.help_request_withdraw(
            actor=actor_of(request), help_request=help_request
        ),
        success=_("Your request has been withdrawn"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    support = _support(request, pk)
    return _run(
        request,
        perm="support.open_case",
        obj=support,
        initiative=support.initiative,
        form_class=CaseForm,
        form_kwargs={"departments": selectors.departments_for(support)},
        title=_("Raise an advocacy case"),
        button=_("Raise the case"),
        action=lambda f: services.case_open(
            actor=actor_of(request),
            support=support,
            department=f.cleaned_data["department"],
            ask=f.cleaned_data["ask"],
            evidence=f.cleaned_data["evidence"],
            outcome_wanted=f.cleaned_data["outcome_wanted"],
            wanted_by=f.cleaned_data["wanted_by"],
        ),
        success=_("The case has been raised with the department"),
        done_url=services.case_url,  # type: ignore[arg-type]
    )


def _case_page(
    request: HttpRequest,
    case: AdvocacyCase,
    *,
    message_form: CaseMessageForm | None = None,
    move_form: CaseMoveForm | None = None,
    decide_form: DecideForm | None = None,
    extra_errors: list[str] | None = None,
) -> HttpResponse:
    user = request.user
    officer = user.has_perm("support.move_case", case)
    internal = user.has_perm("support.view_internal_notes", case)
    allow_internal = user.has_perm("support.post_internal_note", case)
    form = message_form or move_form or decide_form
    return render(
        request,
        "support/case_detail.html",
        {
            "case": case,
            "initiative": case.support.initiative,
            "thread": selectors.case_thread(case, with_internal=internal),
            "transfers": selectors.case_transfers(case),
            "is_officer": officer,
            "may_transfer": case.status in OPEN_CASE_STATUSES
            and user.has_perm("support.transfer_case", case),
            "message_form": message_form or CaseMessageForm(allow_internal=allow_internal),
            # Blank forms' fields are the same for everyone (with or without the internal box):
            # kept as HTML once a generation; a form sent back with a mistake is drawn.
            "blank_fields_kept_as": None if form else pagecache.unchanging("support.case_fields"),
            "allow_internal": allow_internal,
            "move_form": move_form or CaseMoveForm(),
            "decide_form": decide_form or DecideForm(),
            "form": form,
            "extra_errors": extra_errors or [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page and its thread; posting adds a message (or an officer's internal note)."""
    case = _case(request, pk)
    if request.method == "POST":
        if not request.user.has_perm("support.post_case_message", case):
            raise PermissionDenied
        allow_internal = request.user.has_perm("support.post_internal_note", case)
        form = CaseMessageForm(request.POST, allow_internal=allow_internal)
        if form.is_valid():
            services.case_message_post(
                actor=actor_of(request),
                case=case,
                text=form.cleaned_data["text"],
                internal=bool(form.cleaned_data.get("internal")),
            )
            messages.success(request, _("Your message has been added"))
            return redirect(services.case_url(case))
        return _case_page(request, case, message_form=form)
    return _case_page(request, case)


@login_required
@require_http_methods(["POST"])
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not request.user.has_perm("support.move_case", case):
        raise PermissionDenied
    form = CaseMoveForm(request.POST)
    if form.is_valid():
        try:
            services.case_move(
                actor=actor_of(request), case=case, status=form.cleaned_data["status"]
            )
        except ServiceError as error:
            return _case_page(request, case, move_form=form, extra_errors=[error.message])
        messages.success(request, _("The case status has been updated"))
        return redirect(services.case_url(case))
    return _case_page(request, case, move_form=form)


@login_required
@require_http_methods(["POST"])
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not request.user.has_perm("support.decide_case", case):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.case_decide(
                actor=actor_of(request),
                case=case,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
            )
        except ServiceError as error:
            return _case_page(request, case, decide_form=form, extra_errors=[error.message])
        messages.success(request, _("The decision has been recorded"))
        return redirect(services.case_url(case))
    return _case_page(request, case, decide_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def case_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer passes the case to another department of the council, saying why."""
    case = _case(request, pk)
    if not request.user.has_perm("support.transfer_case", case):
        raise PermissionDenied
    departments = selectors.transfer_departments(case)
    form = CaseTransferForm(
        request.POST if request.method == "POST" else None, departments=departments
    )
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        try:
            services.case_transfer(
                actor=actor_of(request),
                case=case,
                department=department,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            errors = [error.message]
        else:
            messages.success(
                request,
                _("Case %(number)s has been passed to %(department)s. They have been told")
                % {"number": case.pk, "department": department.name},
            )
            # The officer may no longer see it (unless they work in both departments).
            if request.user.has_perm("support.view_case", selectors.case_by_id(case.pk)):
                return redirect(services.case_url(case))
            return redirect("support:cases")
    return _action_page(
        request,
        form=form,
        title=_("Pass case %(number)s to another department") % {"number": case.pk},
        initiative=case.support.initiative,
        button=_("Pass the case on"),
        back=services.case_url(case),
        extra_errors=errors,
        intro=_(
            "The case will start again as raised with the department you choose, and leave "
            "%(department)s: its officers will no longer see it."
        )
        % {"department": case.department.name},
    )


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases you work on: officers see their department's, councillors and leads their own."""
    show = request.GET.get("show", "open")
    if show not in selectors.CASE_FILTERS:
        show = "open"
    cases = list(selectors.cases_for(request.user, show=show))
    return render(
        request,
        "support/case_list.html",
        {
            "cases": cases,
            "show": show,
            "filters": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("decided", _("Decided or closed")),
                ("all", _("All")),
            ],
        },
    )
