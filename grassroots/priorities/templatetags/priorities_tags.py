"""{% priorities_for group_or_ward %}: the priority exercises on a group's or a ward's page
(those the viewer may see, and a link to open one when they may)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from grassroots.accounts.types import viewer_in
from grassroots.groups.models import Group
from grassroots.places.models import Ward
from grassroots.priorities import selectors

register = template.Library()


@register.inclusion_tag("priorities/includes/for_host.html", takes_context=True)
def priorities_for(context: template.Context, host: Group | Ward) -> dict[str, Any]:
    viewer = viewer_in(context)
    if isinstance(host, Group):
        exercises = selectors.exercises_of_group(viewer, host)
        key = f"group:{host.slug}"
    else:
        exercises = selectors.exercises_of_ward(viewer, host)
        key = f"ward:{host.pk}"
    may_open = viewer.is_authenticated and viewer.has_perm("priorities.open_exercise", host)
    start_url = f"{reverse('priorities:new')}?host={key}" if may_open else ""
    return {"exercises": exercises, "start_url": start_url}
