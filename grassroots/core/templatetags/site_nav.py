"""The header's main sections: where people find their area, councils, initiatives,
conversations, events and groups. The section a page belongs to is marked, as GOV.UK's service
navigation asks: `aria-current="page"` on the section's own page, `"true"` anywhere within it.

`{% site_url "name" %}` is `{% url "name" %}` for the header's and footer's routes, which take
no arguments: their addresses are worked out once per URL configuration and script prefix,
not on every request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class Section:
    url: str
    label: str
    current: str  # "page", "true" or ""


@lru_cache(maxsize=256)
def _fixed_url(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def site_url(name: str) -> str:
    """The address of the route `name`, which takes no arguments."""
    return _fixed_url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def _sections() -> list[tuple[str, str, tuple[str, ...]]]:
    """(url name, label, path prefixes that belong to the section)."""
    return [
        ("home", _("Find your area"), ()),
        ("places:councils", _("Councils"), ("/councils/", "/councillors/")),
        ("initiatives:list", _("Initiatives"), ("/initiatives/", "/support/")),
        ("conversations:list", _("Conversations"), ("/conversations/",)),
        ("events:list", _("Events"), ("/events/",)),
        ("groups:list", _("Groups"), ("/groups/",)),
        # Two sections hold issue 13's pages, so the menu stays short on a phone without
        # JavaScript: the guide links its case studies, local help its offers and places.
        ("guide:index", _("Learning"), ("/guide/", "/case-studies/")),
        ("directory:search", _("Local help"), ("/directory/", "/offers/", "/assets/")),
    ]


@register.inclusion_tag("core/includes/site_nav.html", takes_context=True)
def site_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    path = getattr(request, "path", "")
    sections: list[Section] = []
    for name, label, prefixes in _sections():
        url = site_url(name)
        if path == url:
            current = "page"
        elif any(path.startswith(prefix) for prefix in prefixes):
            current = "true"
        else:
            current = ""
        sections.append(Section(url, label, current))
    return {"sections": sections}
