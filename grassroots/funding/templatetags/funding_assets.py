"""{% asset_grants asset %}: the grants for a place that matters, on the place's page (the
directory sits below funding, so funding draws this part of the directory's page)."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.funding.models import Grant
from grassroots.funding.reports import withheld_ids

register = template.Library()

LIMIT = 50


@register.inclusion_tag("funding/includes/asset_grants.html", takes_context=True)
def asset_grants(context: template.Context, asset: Any) -> dict[str, Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    grants = list(
        Grant.objects.filter(asset=asset)
        .select_related("fund", "initiative")
        .order_by("-awarded_on", "-pk")[:LIMIT]
    )
    hidden = withheld_ids(viewer, grants)
    return {"grants": [g for g in grants if g.pk not in hidden]}
