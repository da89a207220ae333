"""The header's main sections: where people find their area, councils, initiatives,
conversations, events and groups. The section a page belongs to is marked, as GOV.UK's service
navigation asks: `aria-current="page"` on the section's own page, `"true"` anywhere within it.

`{% site_url "name" %}` is `{% url "name" %}` for the header's and footer's routes, which take
no arguments: their addresses are worked out once per URL configuration and script prefix,
not on every request.

The menu itself depends on nothing but the language, those addresses and which section is
current, so each of its few forms is drawn once a process and kept (not under DEBUG, where
templates are read afresh on every request too)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
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


# (url name, path prefixes that belong to the section), in the menu's order. Two sections hold
# issue 13's pages, so the menu stays short on a phone without JavaScript: the guide links its
# case studies, local help its offers and places.
_ROUTES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("home", ()),
    ("places:councils", ("/councils/", "/councillors/")),
    ("initiatives:list", ("/initiatives/", "/support/")),
    ("conversations:list", ("/conversations/",)),
    ("events:list", ("/events/",)),
    ("groups:list", ("/groups/",)),
    ("guide:index", ("/guide/", "/case-studies/")),
    ("directory:search", ("/directory/", "/offers/", "/assets/")),
)


def _labels() -> tuple[str, ...]:
    return (
        _("Find your area"),
        _("Councils"),
        _("Initiatives"),
        _("Conversations"),
        _("Events"),
        _("Groups"),
        _("Learning"),
        _("Local help"),
    )


def _current(path: str, url: str, prefixes: tuple[str, ...]) -> str:
    if path == url:
        return "page"
    return "true" if any(path.startswith(prefix) for prefix in prefixes) else ""


def _draw(marks: tuple[str, ...]) -> SafeString:
    sections = [
        Section(site_url(name), label, current)
        for (name, _prefixes), label, current in zip(_ROUTES, _labels(), marks, strict=True)
    ]
    return SafeString(render_to_string("core/includes/site_nav.html", {"sections": sections}))


@lru_cache(maxsize=256)
def _kept(language: str, urlconf: str, prefix: str, marks: tuple[str, ...]) -> SafeString:
    return _draw(marks)


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    """The menu's sections, the current one marked (see the module's docstring)."""
    path = getattr(context.get("request"), "path", "")
    marks = tuple(_current(path, site_url(name), prefixes) for name, prefixes in _ROUTES)
    if settings.DEBUG:
        return _draw(marks)
    return _kept(get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), marks)
