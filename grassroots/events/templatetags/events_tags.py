"""Template tags other apps use to show events content: a councillor's coming surgeries on their
page (places sits below events, so it asks here)."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.events.selectors import CouncillorSurgeries, councillor_surgeries
from grassroots.places.models import Councillor

register = template.Library()


@register.simple_tag(takes_context=True)
def surgeries_of(context: dict[str, Any], councillor: Councillor) -> CouncillorSurgeries:
    """{% surgeries_of councillor as found %}: coming surgeries the viewer may see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return councillor_surgeries(user, councillor)
