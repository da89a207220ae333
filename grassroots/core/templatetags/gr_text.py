"""Showing text people wrote: escaped, line breaks kept, web addresses made into safe links."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import Urlizer, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

register = template.Library()


class _UserLinks(Urlizer):
    """Django's urlize, with GOV.UK's link class and `rel="nofollow ugc"`.

    Only http(s) addresses, `www.` ones and bare domains (which get `http://`) and email
    addresses (`mailto:`) become links, so no `javascript:` or `data:` link can be made.
    `nofollow ugc` tells search engines the link is user content the site does not vouch for.
    """

    url_template = '<a href="{href}" class="govuk-link" rel="nofollow ugc">{url}</a>'


_urlize = _UserLinks()

# What every address Django's urlize links has somewhere in it: a scheme's "://", "www.", an
# email's "@" or one of the seven top-level domains it recognises alone. Text with none of
# them has no link to make, and urlize would only escape it, word by word.
_MAY_LINK = re.compile(r"://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


@register.filter(is_safe=True)
def user_text(value: Any) -> SafeString:
    """Text someone typed, for a page: escaped, web addresses linked, line breaks as `<br>`.

    Use it in place of `linebreaksbr` for anything a person wrote (replies, updates,
    descriptions, minutes, messages).
    """
    if value is None:
        return mark_safe("")
    # Slicing gives a plain str, so text marked safe somewhere upstream is still escaped.
    text = normalize_newlines(str(value)[:])
    linked: str
    if _MAY_LINK.search(text) is None:
        linked = escape(text)
    else:
        linked = _urlize(text, nofollow=False, autoescape=True)
    return mark_safe(linked.replace("\n", "<br>"))  # noqa: S308 - escaped above
