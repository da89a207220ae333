"""{% opinion_maps_for group_or_ward %}: the opinion maps on a group's or a ward's page (those
the viewer may see, and a link to start one when they may)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from grassroots.accounts.types import viewer_in
from grassroots.groups.models import Group
from grassroots.opinions import selectors
from grassroots.places.models import Ward

register = template.Library()


@register.inclusion_tag("opinions/includes/for_host.html", takes_context=True)
def opinion_maps_for(context: template.Context, host: Group | Ward) -> dict[str, Any]:
    viewer = viewer_in(context)
    may_start = viewer.is_authenticated and viewer.has_perm("opinions.start", host)
    kind = "group" if isinstance(host, Group) else "ward"
    start_url = f"{reverse('opinions:start')}?{kind}={host.pk}" if may_start else ""
    return {"maps": selectors.maps_of(viewer, host), "start_url": start_url}
