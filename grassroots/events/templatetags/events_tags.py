"""Template tags other apps use to show events content (the dashboard's "Your actions")."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.events.selectors import your_actions as select_your_actions

register = template.Library()


@register.inclusion_tag("events/includes/your_actions.html", takes_context=True)
def your_actions(context: dict[str, Any]) -> dict[str, Any]:
    """Open action items and agreed actions the signed-in user owns, until they are done."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"actions": select_your_actions(user) if user is not None else []}
