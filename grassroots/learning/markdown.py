"""Editor-written Markdown as safe HTML for the guide and the courses.

Two steps, each enough on its own against script in a page, together a belt and braces:

1. markdown-it-py (CommonMark) with raw HTML turned off, so `<script>` in the text stays text,
   and with images and headings adjusted: there are no images, and headings move down a level
   (an editor's `#` becomes an `<h2>`, because the page's title is its only `<h1>`; anything
   below `###` becomes an `<h4>`).
2. nh3 (the Ammonia sanitiser) with an explicit allow-list of tags, links only to http, https,
   mailto and paths on this site, and the GOV.UK Frontend classes set on every element.

`render()` is what templates get through the `{{ text|guide_markdown }}` filter (in
`learning_markdown`). How long a text may be is the services' check (`services.MAX_BODY`); the
renderer still refuses anything longer than `MAX_INPUT` so a caller that skips the services
cannot make it work for minutes.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_INPUT = 100_000

# Heading levels as written -> as shown.
_HEADING = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}

_TAGS = frozenset(
    {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a"}
    | {"blockquote", "code", "pre", "hr", "br"}
)
# Only `href` comes from the text (and `start` on a numbered list that does not begin at 1); the
# classes and `rel` are set below, whatever the text said.
# No attribute on every tag (`"*"`): Ammonia would otherwise allow `lang` and `title`.
_ATTRIBUTES = {"*": frozenset[str](), "a": frozenset({"href"}), "ol": frozenset({"start"})}
_CLASSES = {
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "blockquote": {"class": "govuk-inset-text"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
}
_SCHEMES = frozenset({"http", "https", "mailto"})


def _site_path(url: str) -> str | None:
    """A relative link is kept only as a path on this site ("/groups/", "#top"): never "//host",
    which a browser reads as another site."""
    if url.startswith("#") or (url.startswith("/") and not url.startswith("//")):
        return url
    return None


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "a" and name == "href" and "\\" in value:
        return None  # browsers read "/\host" as "//host"
    if tag == "ol" and name == "start" and not value.isdigit():
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
    attribute_filter=_attribute,
    link_rel="noopener noreferrer nofollow",
    set_tag_attribute_values=_CLASSES,
    url_schemes=set(_SCHEMES),
    url_relative=_site_path,
    strip_comments=True,
)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    return md


_md = _parser()


def _shift_headings(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING.get(token.tag, "h4")


def sanitise(html: str) -> str:
    """`html` with only the allowed tags, attributes and link targets, and the GOV.UK classes."""
    return _cleaner.clean(html)


def render(text: str) -> SafeString:
    """`text` (Markdown) as sanitised HTML, marked safe for templates."""
    if len(text) > MAX_INPUT:
        raise ValueError(f"Markdown longer than {MAX_INPUT} characters")
    tokens = _md.parse(text)
    _shift_headings(tokens)
    html = _md.renderer.render(tokens, _md.options, {})
    return mark_safe(sanitise(html))  # noqa: S308 - nh3 has just sanitised it
