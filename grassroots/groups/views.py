"""Resident groups: the list, a group's page, starting and editing one, and its people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import actor_of
from grassroots.core.forms import invited_message
from grassroots.core.services import ServiceError, require
from grassroots.groups import selectors, services
from grassroots.groups.forms import CouncilForm, FilterForm, GroupForm, InviteForm
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus
from grassroots.places.models import Council

PAGE_SIZE = 20
MINE_LIMIT = 50


def _group(slug: str) -> Group:
    group = selectors.group_for(slug)
    if group is None:
        raise Http404
    return group


def _back_to(group: Group, anchor: str = "") -> HttpResponse:
    return redirect(group.get_absolute_url() + (f"#{anchor}" if anchor else ""))


@require_safe
def group_list(request: HttpRequest) -> HttpResponse:
    councils = selectors.councils_with_groups()
    form = FilterForm(request.GET or None, councils=councils, wards=selectors.wards_with_groups())
    council = ward = None
    q = ""
    archived = False
    if form.is_bound and form.is_valid():
        council, ward, q, archived = (
            form.cleaned_data["council"],
            form.cleaned_data["ward"],
            form.cleaned_data["q"],
            form.cleaned_data["archived"],
        )
    # The ward choices follow the chosen council, so the list stays short at national scale.
    ward_field = form.fields["ward"]
    ward_field.queryset = selectors.wards_with_groups(council)  # type: ignore[attr-defined]
    page = Paginator(
        selectors.group_list(council=council, ward=ward, q=q, archived=archived), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/list.html",
        {
            "form": form,
            "page": page,
            "groups": page.object_list,
            "query": query.urlencode(),
            "filtered": bool(council or ward or q or archived),
            "archived": archived,
            # The visitor's own groups and waiting invitations (two queries when signed in).
            "mine": list(selectors.groups_for_user(request.user)[:MINE_LIMIT]),
            "invitations": list(selectors.pending_invitations(request.user)[:MINE_LIMIT]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "groups.create_group", None)
    council = _chosen_council(request)
    if council is None:
        choose = CouncilForm(request.GET if "council" in request.GET else None)
        return render(request, "groups/choose_council.html", {"form": choose})
    form = GroupForm(request.POST if request.method == "POST" else None, council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                creator=actor_of(request),
                council=council,
                name=data["name"],
                description=data["description"],
                joining=data["joining"],
                wards=data["wards"],
            )
        except ServiceError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Your group has been started. You are its organiser"))
            return redirect(group)
    elif not form.is_bound:
        own_ward = getattr(request.user, "ward_id", None)
        form.initial = {"joining": "open", "wards": [own_ward] if own_ward else []}
    return render(request, "groups/form.html", {"form": form, "council": council, "editing": False})


def _chosen_council(request: HttpRequest) -> Council | None:
    """The council from ?council=slug, else the council of the user's own ward."""
    if "choose" in request.GET:
        return None
    if "council" in request.GET:
        slug = request.GET["council"][:200]
        return Council.objects.filter(slug=slug).first() if slug else None
    ward = getattr(request.user, "ward", None)
    return ward.council if ward is not None else None


@require_safe
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.group_detail(request.user, slug)
    if found is None:
        raise Http404
    group, people = found
    own = selectors.own_membership(request.user, group)
    can = {
        name: request.user.has_perm(f"groups.{name}", group)
        for name in (
            "join",
            "leave",
            "step_down",
            "change_group",
            "manage_members",
            "invite",
            "make_organiser",
            "host_conversation",
            "host_event",
            "archive_group",
            "unarchive_group",
        )
    }
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "people": people,
            "own": own,
            "can": can,
            "is_invited": own is not None and own.status == GroupMembershipStatus.INVITED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.change_group", group)
    if request.method == "POST":
        form = GroupForm(request.POST, council=group.council, group=group)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.group_update(
                    group=group,
                    actor=actor_of(request),
                    name=data["name"],
                    description=data["description"],
                    joining=data["joining"],
                    wards=data["wards"],
                )
            except ServiceError as exc:
                form.add_error("name", exc.message)
            else:
                messages.success(request, _("Your changes have been saved"))
                return redirect(group)
    else:
        form = GroupForm(
            council=group.council,
            group=group,
            initial={
                "name": group.name,
                "description": group.description,
                "joining": group.joining,
                "wards": [w.pk for w in group.wards.all()],
            },
        )
    return render(
        request,
        "groups/form.html",
        {"form": form, "council": group.council, "editing": True, "group": group},
    )


# --- Joining and leaving -----------------------------------------------------------------------


def _done(request: HttpRequest, group: Group, text: str, anchor: str = "") -> HttpResponse:
    messages.success(request, text)
    return _back_to(group, anchor)


def _refused(request: HttpRequest, group: Group, exc: ServiceError) -> HttpResponse:
    messages.error(request, exc.message)
    return _back_to(group)


@login_required
@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.join", group)
    try:
        services.group_join(group=group, user=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(request, group, _("You have joined %(group)s") % {"group": group.name})


@login_required
@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.leave", group)
    try:
        services.group_leave(group=group, user=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(request, group, _("You have left %(group)s") % {"group": group.name})


@login_required
@require_POST
def group_step_down(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.step_down", group)
    try:
        services.organiser_step_down(group=group, user=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(request, group, _("You are no longer an organiser of this group"))


# --- Members -----------------------------------------------------------------------------------


def _membership(group: Group, pk: int, status: str) -> GroupMembership:
    m = get_object_or_404(
        GroupMembership.objects.select_related("user", "group"), pk=pk, group=group, status=status
    )
    m.group = group  # the same object, so the rules' cache of the actor's row is shared
    return m


def _confirm(
    request: HttpRequest,
    group: Group,
    *,
    question: str,
    button: str,
    explanation: list[str] | None = None,
    warning: bool = False,
    anchor: str = "",
) -> HttpResponse:
    """The page that asks before a change; its form posts back to the same address."""
    return render(
        request,
        "groups/confirm.html",
        {
            "group": group,
            "question": question,
            "button": button,
            "explanation": explanation or [],
            "warning": warning,
            "anchor": f"#{anchor}" if anchor else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.manage_members", group)
    m = _membership(group, pk, GroupMembershipStatus.ACTIVE)
    if request.method == "GET":
        return _confirm(
            request,
            group,
            question=_("Are you sure you want to remove %(name)s from %(group)s?")
            % {"name": m.user.public_name, "group": group.name},
            explanation=[
                _(
                    "They will no longer be a member. They can only come back if an organiser "
                    "invites them again."
                )
            ],
            button=_("Yes, remove %(name)s") % {"name": m.user.public_name},
            warning=True,
            anchor="members",
        )
    try:
        services.member_remove(membership=m, actor=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(
        request,
        group,
        _("%(name)s is no longer a member") % {"name": m.user.public_name},
        "members",
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_make_organiser(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.make_organiser", group)
    m = _membership(group, pk, GroupMembershipStatus.ACTIVE)
    if not m.user.is_active:  # a deleted account is not listed, and cannot organise
        raise Http404
    if request.method == "GET":
        return _confirm(
            request,
            group,
            question=_("Make %(name)s an organiser of %(group)s?")
            % {"name": m.user.public_name, "group": group.name},
            explanation=[
                _(
                    "Organisers can change the group, invite and remove members, and host "
                    "conversations and events for it. %(name)s will be told."
                )
                % {"name": m.user.public_name}
            ],
            button=_("Yes, make %(name)s an organiser") % {"name": m.user.public_name},
            anchor="members",
        )
    try:
        services.member_make_organiser(membership=m, actor=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(
        request,
        group,
        _("%(name)s is now an organiser") % {"name": m.user.public_name},
        "members",
    )


# --- Archiving ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def group_archive(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.archive_group", group)
    if request.method == "GET":
        return _confirm(
            request,
            group,
            question=_("Are you sure you want to archive %(group)s?") % {"group": group.name},
            explanation=[
                _(
                    "Archive a group that has finished. Its page, conversations and events "
                    "stay for people to read."
                ),
                _(
                    "Nobody will be able to join it or be invited to it, and nobody can start "
                    "a conversation or put on an event for it. Invitations waiting for an "
                    "answer will be withdrawn."
                ),
                _(
                    "Events already planned are not cancelled. Organisers can still change "
                    "or cancel them, and write their minutes, after archiving."
                ),
                _(
                    "Its conversations can still be read, but they close to new replies, "
                    "summaries and agreed actions."
                ),
                _("An organiser can unarchive the group later."),
            ],
            button=_("Yes, archive the group"),
            warning=True,
        )
    try:
        services.group_archive(group=group, actor=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(request, group, _("%(group)s has been archived") % {"group": group.name})


@login_required
@require_http_methods(["GET", "POST"])
def group_unarchive(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.unarchive_group", group)
    if request.method == "GET":
        return _confirm(
            request,
            group,
            question=_("Unarchive %(group)s?") % {"group": group.name},
            explanation=[
                _(
                    "People will be able to join the group again, and its organisers can "
                    "invite people, start conversations and put on events."
                )
            ],
            button=_("Yes, unarchive the group"),
        )
    try:
        services.group_unarchive(group=group, actor=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(request, group, _("%(group)s is no longer archived") % {"group": group.name})


# --- Invitations -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    require(request.user, "groups.invite", group)
    form = InviteForm(request.POST if request.method == "POST" else None, actor=actor_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                group=group,
                actor=actor_of(request),
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
        except ServiceError as exc:
            form.add_error("email", exc.message)
        else:
            # The same words whether or not the address has an account.
            return _done(request, group, invited_message(form.cleaned_data["email"]), "members")
    return render(request, "groups/invite.html", {"group": group, "form": form})


@login_required
@require_POST
def invitation_answer(request: HttpRequest, slug: str, pk: int, answer: str) -> HttpResponse:
    group = _group(slug)
    m = _membership(group, pk, GroupMembershipStatus.INVITED)
    accept = answer == "accept"
    require(request.user, "groups.accept_invitation" if accept else "groups.decline_invitation", m)
    try:
        if accept:
            services.invitation_accept(membership=m, user=actor_of(request))
        else:
            services.invitation_decline(membership=m, user=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    if accept:
        return _done(request, group, _("You are now a member of %(group)s") % {"group": group.name})
    return _done(request, group, _("You turned down the invitation"))


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(slug)
    m = _membership(group, pk, GroupMembershipStatus.INVITED)
    require(request.user, "groups.withdraw_invitation", m)
    try:
        services.invitation_withdraw(membership=m, actor=actor_of(request))
    except ServiceError as exc:
        return _refused(request, group, exc)
    return _done(
        request,
        group,
        _("The invitation to %(name)s has been withdrawn") % {"name": m.user.public_name},
        "members",
    )
