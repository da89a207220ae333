"""An initiative's own pages: start, read, edit, and the actions its people take."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core import pagecache
from grassroots.core.files import serve_private_file
from grassroots.core.forms import invited_message
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.initiatives import selectors
from grassroots.initiatives.forms import (
    InitiativeEditForm,
    InitiativeForm,
    JoinForm,
    MilestoneForm,
    NeedForm,
    OutcomeForm,
    StageForm,
    UpdateForm,
)
from grassroots.initiatives.forms_invite import InviteMemberForm
from grassroots.initiatives.models import (
    Initiative,
    Membership,
    MembershipStatus,
    Milestone,
    Need,
    NeedKind,
    NeedStatus,
    Stage,
    Update,
)
from grassroots.initiatives.rules import membership_of
from grassroots.initiatives.services import invitations as invites
from grassroots.initiatives.services import lifecycle, people, progress
from grassroots.initiatives.services.lifecycle import EditConflict
from grassroots.initiatives.visibility import is_public
from grassroots.places.selectors import locate


def _visible(request: HttpRequest, slug: str) -> Initiative:
    """The initiative if the user may see it; otherwise the same 404 as a missing slug."""
    initiative = selectors.initiative_for(request.user, slug)
    if initiative is None:
        raise Http404
    return initiative


def _checked(form: InitiativeForm) -> bool:
    """Check the form and find the ward of the place it gives (`places.selectors.locate`; the
    form looks nothing up): whether it can be saved."""
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
    return form.is_valid()


def _data(request: HttpRequest) -> QueryDict | None:
    """The posted form data (even if empty, so it is checked); None on a first visit."""
    return request.POST if request.method == "POST" else None


def _detail(initiative: Initiative, anchor: str = "") -> HttpResponse:
    return redirect(initiative.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _form_page(
    request: HttpRequest,
    initiative: Initiative,
    form: forms.Form,
    *,
    heading: str,
    button: str,
    multipart: bool = False,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "initiatives/action_form.html",
        {
            "initiative": initiative,
            "form": form,
            "heading": heading,
            "button": button,
            "multipart": multipart,
            "intro": intro,
        },
    )


# --- Start, read, edit -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    require(request.user, "initiatives.create_initiative")
    wards = selectors.ward_choices(user=request.user)
    if request.method == "POST":
        form = InitiativeForm(request.POST, wards=wards)
        if _checked(form):
            data = form.cleaned_data
            try:
                initiative = lifecycle.initiative_create(
                    creator=actor_of(request),
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
        own = getattr(request.user, "ward_id", None)
        form = InitiativeForm(wards=wards, initial={"wards": [own] if own else []})
    return render(request, "initiatives/form.html", {"form": form, "editing": False})


def pounds(pence: int) -> str:
    """12550 → "£125.50"; whole pounds without pence: 25000 → "£250"."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


def _with_amounts(needs: list[Need]) -> list[Need]:
    for need in needs:
        need.amount_text = pounds(need.amount_pence) if need.amount_pence else ""  # type: ignore[attr-defined]
    return needs


def _kept_blocks(
    kept_as: tuple[pagecache.Part, ...] | None, can: dict[str, bool]
) -> dict[str, tuple[pagecache.Part, ...] | None]:
    """How each block of an initiative's page may be kept (`{% kept %}`): those that show the
    same to everybody always, while its rows are kept; the needs, milestones and members only
    for readers without the buttons that manage them."""
    return {
        "detail_kept_as": kept_as,
        "needs_kept_as": None if can["manage_needs"] else kept_as,
        "milestones_kept_as": None if can["manage_milestones"] else kept_as,
        "people_kept_as": None if can["make_lead"] else kept_as,
    }


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = selectors.initiative_detail(request.user, slug)
    if initiative is None:
        raise Http404
    user = request.user
    people = selectors.people(initiative)
    can = {
        name: user.has_perm(f"initiatives.{name}", initiative)
        for name in (
            "edit_initiative",
            "change_stage",
            "decide_membership",
            "make_lead",
            "step_down",
            "request_membership",
            "leave",
            "back",
            "manage_needs",
            "post_update",
            "manage_milestones",
            "record_outcome",
            "invite_member",
        )
    }
    mine = membership_of(user, initiative)
    invitation = None
    if mine is not None and user.has_perm("initiatives.accept_invitation", mine):
        invitation = mine
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "people": people,
            "can": can,
            "mine": mine,
            "invitation": invitation,
            "backs": selectors.backs(user, initiative),
            "outcome": getattr(initiative, "outcome", None),
            "needs": _with_amounts(list(initiative.needs.all())),
            "milestones": initiative.milestones.all(),
            **_kept_blocks(selectors.detail_kept_as(slug), can),
            "Stage": Stage,
            "NeedKind": NeedKind,
            "NeedStatus": NeedStatus,
        },
    )


def _initial(initiative: Initiative) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "problem": initiative.problem,
        "change_wanted": initiative.change_wanted,
        "who_for": initiative.who_for,
        "theme": initiative.theme,
        "wards": [w.pk for w in initiative.wards.all()],
        "area_description": initiative.area_description,
        "place": initiative.location_text,
        "latitude": initiative.latitude,
        "longitude": initiative.longitude,
        "visibility": initiative.visibility,
        "version": initiative.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.edit_initiative", initiative)
    wards = selectors.ward_choices(user=request.user, initiative=initiative)
    conflict: Initiative | None = None
    if request.method == "POST":
        form = InitiativeEditForm(request.POST, wards=wards)
        if _checked(form):
            data = form.cleaned_data
            try:
                lifecycle.initiative_update(
                    initiative=initiative,
                    actor=actor_of(request),
                    version=data["version"],
                    wards=form.ward_list,
                    title=data["title"],
                    problem=data["problem"],
                    change_wanted=data["change_wanted"],
                    who_for=data["who_for"],
                    theme=data["theme"],
                    area_description=data["area_description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    location_text=form.location_text,
                    visibility=data["visibility"],
                )
            except EditConflict as exc:
                conflict = exc.current
                # Keep what they typed, but let a resubmission build on the version saved now.
                post = request.POST.copy()
                post["version"] = str(conflict.version)
                form = InitiativeEditForm(post, wards=wards)
                _checked(form)
            except ServiceError as exc:
                form.add_error(form.ward_error_field, exc.message)
            else:
                messages.success(request, _("Your changes have been saved"))
                return redirect(initiative)
    else:
        form = InitiativeEditForm(wards=wards, initial=_initial(initiative))
    return render(
        request,
        "initiatives/form.html",
        {
            "form": form,
            "editing": True,
            "initiative": initiative,
            "conflict": conflict,
            "conflict_wards": list(conflict.wards.all()) if conflict else [],
        },
    )


# --- Stage -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def change_stage(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.change_stage", initiative)
    choices = [(s, Stage(s).label) for s in lifecycle.allowed_stages(initiative)]
    form = StageForm(_data(request), stages=choices)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.initiative_change_stage(
                initiative=initiative,
                actor=actor_of(request),
                to_stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            form.add_error("stage", exc.message)
        else:
            messages.success(request, _("The stage has been changed"))
            return _detail(initiative, "timeline")
    return _form_page(
        request,
        initiative,
        form,
        heading=_("Change the stage"),
        button=_("Change the stage"),
        intro=_("It is at the stage: %(stage)s.") % {"stage": initiative.get_stage_display()},
    )


# --- People ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.request_membership", initiative)
    form = JoinForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            people.membership_request(
                initiative=initiative, user=actor_of(request), message=form.cleaned_data["message"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request has been sent to the leads"))
            return _detail(initiative, "people")
    return _form_page(request, initiative, form, heading=_("Ask to join"), button=_("Send request"))


def _membership(initiative: Initiative, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, initiative=initiative
    )


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, pk: int, decision: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.decide_membership", initiative)
    membership = _membership(initiative, pk)
    try:
        people.membership_decide(
            membership=membership, actor=actor_of(request), approve=decision == "approve"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        name = membership.user.public_name
        messages.success(
            request,
            _("%(name)s is now a member") % {"name": name}
            if decision == "approve"
            else _("You declined the request from %(name)s") % {"name": name},
        )
    return _detail(initiative, "people")


@login_required
@require_POST
def make_lead(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.make_lead", initiative)
    membership = _membership(initiative, pk)
    try:
        people.membership_make_lead(membership=membership, actor=actor_of(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s is now a lead") % {"name": membership.user.public_name}
        )
    return _detail(initiative, "people")


@login_required
@require_POST
def step_down(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    try:
        people.membership_step_down(initiative=initiative, user=actor_of(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You are no longer a lead"))
    return _detail(initiative, "people")


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    try:
        people.membership_leave(initiative=initiative, user=actor_of(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _detail(initiative, "people")
    messages.success(request, _("You have left the initiative"))
    if selectors.initiative_for(request.user, slug) is None:
        return redirect("home")  # a safeguarded initiative is no longer theirs to see
    return _detail(initiative, "people")


# --- Invitations ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.invite_member", initiative)
    form = InviteMemberForm(_data(request), actor=actor_of(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            membership = invites.invitation_by_email(
                initiative=initiative,
                actor=actor_of(request),
                email=email,
                message=form.cleaned_data["message"],
            )
        except ServiceError as exc:
            form.add_error("email", exc.message)
        else:
            if membership is not None and membership.status == MembershipStatus.APPROVED:
                # Only somebody who asked to join (the leads saw the request) gets this answer.
                messages.success(
                    request,
                    _("%(email)s had already asked to join, so they are now a member")
                    % {"email": email},
                )
            else:
                # The same words whether or not the address has an account.
                messages.success(request, invited_message(email))
            return _detail(initiative, "people")
    return _form_page(
        request,
        initiative,
        form,
        heading=_("Invite somebody to join"),
        button=_("Send invitation"),
        intro=_(
            "If they have an account on this site, we tell them in the site and by email. If "
            "not, the invitation waits 30 days for them to create an account with that email "
            "address, and we tell them then. They can accept or turn the invitation down."
        ),
    )


def _invitation(initiative: Initiative, pk: int) -> Membership:
    membership = _membership(initiative, pk)
    membership.initiative = initiative  # the rules read the initiative already fetched
    return membership


@login_required
@require_POST
def invitation_answer(request: HttpRequest, slug: str, pk: int, answer: str) -> HttpResponse:
    initiative = _visible(request, slug)
    membership = _invitation(initiative, pk)
    accept = answer == "accept"
    try:
        # Somebody else's invitation is a 403; their own, answered or withdrawn since the page
        # was loaded, is "no longer open".
        if accept:
            invites.invitation_accept(membership=membership, user=actor_of(request))
        else:
            invites.invitation_decline(membership=membership, user=actor_of(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("initiatives:invitations")
    if accept:
        messages.success(
            request, _("You are now a member of %(title)s") % {"title": initiative.title}
        )
        return _detail(initiative, "people")
    messages.success(
        request, _("You turned down the invitation to join %(title)s") % {"title": initiative.title}
    )
    if selectors.initiative_for(request.user, slug) is None:
        return redirect("initiatives:invitations")  # a safeguarded one is hidden from them again
    return _detail(initiative)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative = _visible(request, slug)
    membership = _invitation(initiative, pk)
    try:
        # Not a lead: 403. A lead on a page loaded before the invitation was answered or
        # withdrawn: "no longer open".
        invites.invitation_withdraw(membership=membership, actor=actor_of(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You withdrew the invitation to %(name)s") % {"name": membership.user.public_name},
        )
    return _detail(initiative, "people")


INVITATIONS_PAGE_SIZE = 25


@login_required
@require_safe
def invitations(request: HttpRequest) -> HttpResponse:
    """The signed-in person's invitations waiting for an answer."""
    page = Paginator(selectors.pending_invitations(request.user), INVITATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "initiatives/invitations.html", {"page": page, "invitations": list(page)}
    )


@login_required
@require_POST
def back(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    if people.backing_toggle(initiative=initiative, user=actor_of(request)):
        messages.success(request, _("You back this initiative"))
    else:
        messages.success(request, _("You no longer back this initiative"))
    return _detail(initiative, "backing")


# --- Needs -------------------------------------------------------------------------------------


def _need(initiative: Initiative, pk: int) -> Need:
    return get_object_or_404(Need, pk=pk, initiative=initiative)


@login_required
@require_http_methods(["GET", "POST"])
def need_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.manage_needs", initiative)
    form = NeedForm(_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress.need_create(
            initiative=initiative,
            actor=actor_of(request),
            kind=data["kind"],
            description=data["description"],
            volunteers_wanted=data["volunteers_wanted"],
            when=data["when"],
            amount_pence=data["amount"],
        )
        messages.success(request, _("The need has been added"))
        return _detail(initiative, "needs")
    return _form_page(request, initiative, form, heading=_("Add a need"), button=_("Add need"))


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.manage_needs", initiative)
    need = _need(initiative, pk)
    initial = {
        "kind": need.kind,
        "description": need.description,
        "volunteers_wanted": need.volunteers_wanted,
        "when": need.when,
        "amount": f"{need.amount_pence // 100}.{need.amount_pence % 100:02d}"
        if need.amount_pence is not None
        else "",
    }
    form = NeedForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress.need_update(
            need=need,
            actor=actor_of(request),
            kind=data["kind"],
            description=data["description"],
            volunteers_wanted=data["volunteers_wanted"],
            when=data["when"],
            amount_pence=data["amount"],
        )
        messages.success(request, _("The need has been changed"))
        return _detail(initiative, "needs")
    return _form_page(
        request, initiative, form, heading=_("Change a need"), button=_("Save changes")
    )


@login_required
@require_POST
def need_status(request: HttpRequest, slug: str, pk: int, status: str) -> HttpResponse:
    initiative = _visible(request, slug)
    need = _need(initiative, pk)
    progress.need_set_status(need=need, actor=actor_of(request), met=status == "met")
    messages.success(
        request,
        _("The need is marked as met") if status == "met" else _("The need is open again"),
    )
    return _detail(initiative, "needs")


# --- Updates, milestones, outcome ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("update")
def update_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.post_update", initiative)
    form = UpdateForm(_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress.update_create(
            initiative=initiative,
            author=actor_of(request),
            text=data["text"],
            photo=data["photo"],
            photo_alt=data["photo_alt"],
        )
        messages.success(request, _("Your update has been posted"))
        return _detail(initiative, "updates")
    return _form_page(
        request,
        initiative,
        form,
        heading=_("Post an update"),
        button=_("Post update"),
        multipart=True,
    )


@require_safe
def update_photo(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    """An update's photo, for whoever may see the initiative (otherwise the same 404)."""
    initiative = _visible(request, slug)
    update = get_object_or_404(Update, initiative=initiative, pk=pk)
    public = is_public(initiative)
    return serve_private_file(request, update.photo, public=public)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.manage_milestones", initiative)
    form = MilestoneForm(_data(request))
    if request.method == "POST" and form.is_valid():
        progress.milestone_create(
            initiative=initiative,
            actor=actor_of(request),
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
        )
        messages.success(request, _("The milestone has been added"))
        return _detail(initiative, "milestones")
    return _form_page(
        request, initiative, form, heading=_("Add a milestone"), button=_("Add milestone")
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, slug: str, pk: int, done: str) -> HttpResponse:
    initiative = _visible(request, slug)
    milestone = get_object_or_404(Milestone, pk=pk, initiative=initiative)
    progress.milestone_set_done(milestone=milestone, actor=actor_of(request), done=done == "done")
    messages.success(
        request,
        _("The milestone is marked as done")
        if done == "done"
        else _("The milestone is marked as not done"),
    )
    return _detail(initiative, "milestones")


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = _visible(request, slug)
    require(request.user, "initiatives.record_outcome", initiative)
    existing = getattr(initiative, "outcome", None)
    initial = (
        {
            "what_changed": existing.what_changed,
            "for_whom": existing.for_whom,
            "evidence": existing.evidence,
        }
        if existing
        else None
    )
    form = OutcomeForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            progress.outcome_record(
                initiative=initiative, actor=actor_of(request), **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The outcome has been saved"))
            return _detail(initiative, "outcome")
    return _form_page(
        request, initiative, form, heading=_("Record the outcome"), button=_("Save outcome")
    )
