"""Your account: profile, data download, deletion. Sign-in itself is django-allauth's."""

from __future__ import annotations

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts import services
from grassroots.accounts.forms import DeleteAccountForm, ProfileForm
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import actor_of
from grassroots.core.services import require


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    return render(
        request, "accounts/profile.html", {"profile_user": user, "roles": user_roles(user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    require(user, "accounts.edit_profile", user)
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            services.profile_update(
                user=user,
                display_name=form.cleaned_data["display_name"],
                postcode=form.cleaned_data["postcode"],
                ward=form.ward,
            )
            messages.success(request, _("Your profile has been updated"))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "postcode": user.postcode})
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
@require_GET
def data_download(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    require(user, "accounts.export_data", user)
    payload = json.dumps(services.data_export(user=user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(payload, content_type="application/json")
    filename = f"grassroots-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    require(user, "accounts.delete_account", user)
    if request.method == "POST":
        form = DeleteAccountForm(request.POST)
        if form.is_valid():
            services.account_delete(user=user)
            logout(request)
            messages.success(request, _("Your account has been deleted"))
            return redirect("home")
    else:
        form = DeleteAccountForm()
    return render(request, "accounts/delete.html", {"form": form})
