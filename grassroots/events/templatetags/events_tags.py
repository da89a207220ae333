"""Template tags other apps use to show events content: a councillor's coming surgeries on their
page (places sits below events, so it asks here)."""

from __future__ import annotations

from django import template

from grassroots.accounts.types import viewer_in
from grassroots.events.models import Event
from grassroots.events.selectors import (
    CouncillorSurgeries,
    councillor_surgeries,
    group_upcoming_events,
)
from grassroots.groups.models import Group
from grassroots.places.models import Councillor

register = template.Library()


@register.simple_tag(takes_context=True)
def surgeries_of(context: template.Context, councillor: Councillor) -> CouncillorSurgeries:
    """{% surgeries_of councillor as found %}: coming surgeries the viewer may see."""
    return councillor_surgeries(viewer_in(context), councillor)


@register.simple_tag
def group_events(group: Group) -> list[Event]:
    """{% group_events group as events %}: the group's coming events, for its page."""
    return group_upcoming_events(group)
