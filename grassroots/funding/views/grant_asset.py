"""Which place that matters a grant is for: the treasurer's small form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError, require
from grassroots.directory.models_assets import Asset
from grassroots.funding.forms_grant_asset import GrantAssetForm
from grassroots.funding.models import Grant
from grassroots.funding.services.grant_asset import grant_set_asset

CHOICES_LIMIT = 500


@login_required
@require_http_methods(["GET", "POST"])
def grant_asset(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("fund__council", "asset"), pk=pk)
    require(request.user, "funding.set_grant_asset", grant)
    assets = Asset.objects.filter(council=grant.fund.council).order_by("name", "pk")
    form = GrantAssetForm(
        request.POST if request.method == "POST" else None,
        assets=assets,
        initial={"asset": grant.asset},
    )
    if request.method == "POST" and form.is_valid():
        try:
            grant_set_asset(actor=actor_of(request), grant=grant, asset=form.cleaned_data["asset"])
        except ServiceError as exc:
            form.add_error("asset", exc.message)
        else:
            messages.success(request, _("The grant's place has been saved"))
            return redirect(grant)
    return render(request, "funding/grant_asset.html", {"grant": grant, "form": form})
