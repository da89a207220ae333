"""Parts of the initiatives pages that are the same for every reader, as HTML kept beside the
rows they are drawn from (`core.pagecache.shared`)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from grassroots.core import pagecache
from grassroots.initiatives.browse import ListPage
from grassroots.initiatives.models import Initiative

register = template.Library()


@register.simple_tag
def initiative_rows(page: ListPage) -> SafeString:
    """Each initiative of `page` as a row (initiatives/includes/initiative_row.html).

    Nothing in a row is about the reader, so the rows of a page that is kept for everybody who
    sees the same initiatives (`ListPage.shared_as`: the page's key and generation) are kept
    as HTML under that key, in each language; drawing 20 rows took longer than the rest of
    the list's work. Any other page's rows are drawn for the request."""

    def draw() -> SafeString:
        return SafeString(
            render_to_string("initiatives/includes/initiative_rows.html", {"initiatives": page})
        )

    if page.shared_as is None:
        return draw()
    return pagecache.shared(
        "initiatives.rows_html", (page.shared_as, translation.get_language()), draw
    )


@register.simple_tag
def initiative_updates(
    initiative: Initiative, shared_as: tuple[pagecache.Part, ...] | None
) -> SafeString:
    """The initiative's updates and the timeline of its stages (initiatives/includes/story.html).

    Nothing in them is about the reader, so while the initiative's rows are kept for
    everybody (`selectors.detail_shared_as`: a public initiative, its slug and generation),
    their HTML is kept under the same key, in each language. Otherwise it is drawn for the
    request."""

    def draw() -> SafeString:
        return SafeString(
            render_to_string("initiatives/includes/story.html", {"initiative": initiative})
        )

    if shared_as is None:
        return draw()
    return pagecache.shared(
        "initiatives.updates_html", (shared_as, translation.get_language()), draw
    )
