"""The header's links to the moderators' queue and the safeguarding concerns.

Only people the rules let in see them. Whether someone may moderate or is a safeguarding contact
comes from the roles the MFA middleware has already read for the request, so the header costs
nothing for everybody else; for those it shows, the waiting counts cost one query.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.moderation import selectors

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    count: int
    count_label: str
    active: bool


@register.simple_tag(takes_context=True)
def moderation_nav(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return ""
    # The rules themselves, not user.has_perm: Django's ModelBackend would read the
    # permission tables for everybody who is neither.
    may_moderate = rules.has_perm("moderation.view_queue", user)
    may_see_concerns = rules.has_perm("moderation.view_concerns", user)
    if not (may_moderate or may_see_concerns):
        return ""  # most people: nothing to draw
    waiting = selectors.waiting_counts(user, queue=may_moderate, concerns=may_see_concerns)
    path = request.path
    links: list[NavLink] = []
    if waiting.queue is not None:
        url = reverse("moderation:queue")
        links.append(NavLink(url, _("Moderation"), waiting.queue, _("waiting"), active=path == url))
    if waiting.concerns is not None:
        url = reverse("moderation:concerns")
        links.append(
            NavLink(
                url,
                _("Safeguarding concerns"),
                waiting.concerns,
                _("open"),
                active=path.startswith(url),
            )
        )
    return render_to_string("moderation/includes/nav_items.html", {"links": links})
