"""Follow and unfollow (POST buttons that work without JavaScript), and what you follow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.accounts.types import actor_of
from grassroots.following import selectors, services


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(wanted)
    return redirect(fallback)


def _name(target: object) -> str:
    return str(target)


@login_required
@require_POST
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = selectors.followable(request.user, kind, pk)
    if target is None or not request.user.has_perm("following.follow", target):
        raise Http404
    try:
        services.follow_start(user=actor_of(request), target=target)
    except PermissionDenied as error:  # it went out of sight between the two looks
        raise Http404 from error
    messages.success(request, _("You are now following %(name)s") % {"name": _name(target)})
    return _back(request, target.get_absolute_url())  # type: ignore[attr-defined]


@login_required
@require_POST
def unfollow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in selectors.KINDS:
        raise Http404
    target = selectors.followable(request.user, kind, pk)
    if target is None:
        # Out of sight now (say, a safeguarded initiative you left): you may still drop your
        # own follow, but nobody learns anything about a thing they never followed.
        if not services.follow_drop(user=actor_of(request), kind=kind, pk=pk):
            raise Http404
        messages.success(request, _("You are no longer following it"))
        return redirect("following:list")
    services.follow_stop(user=actor_of(request), target=target)
    messages.success(request, _("You are no longer following %(name)s") % {"name": _name(target)})
    return _back(request, target.get_absolute_url())  # type: ignore[attr-defined]


@login_required
@require_GET
def follow_list(request: HttpRequest) -> HttpResponse:
    follows = selectors.follows_of(actor_of(request))
    sections = [
        (_("Initiatives"), [f for f in follows if f.initiative_id]),
        (_("Wards"), [f for f in follows if f.ward_id]),
        (_("Groups"), [f for f in follows if f.group_id]),
        (_("Conversations"), [f for f in follows if f.conversation_id]),
    ]
    return render(
        request,
        "following/list.html",
        {"sections": [(title, rows) for title, rows in sections if rows], "count": len(follows)},
    )
