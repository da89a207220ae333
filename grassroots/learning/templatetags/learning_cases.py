"""`{% initiative_story initiative %}`: on an achieved initiative's page, its published case
study, its story in progress (for those who may see it), or the leads' invitation to tell it.
Learning sits above initiatives, so the initiative's page asks this tag rather than importing."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.accounts.types import viewer_in
from grassroots.initiatives.models import Initiative, Stage
from grassroots.learning import selectors_cases, visibility_cases

register = template.Library()


@register.inclusion_tag("learning/cases/includes/initiative_story.html", takes_context=True)
def initiative_story(context: template.Context, initiative: Initiative) -> dict[str, Any]:
    viewer = viewer_in(context)
    if initiative.stage != Stage.ACHIEVED:
        return {"show": False}
    story = selectors_cases.story_of(initiative)
    if story is not None:
        seen = visibility_cases.can_view(viewer, story)
        return {"show": seen, "story": story}
    may_start = viewer.has_perm("learning.start_case_study", initiative)
    return {"show": may_start, "initiative": initiative, "invite": may_start}


@register.inclusion_tag("learning/cases/includes/asset_stories.html")
def asset_stories(asset: Any) -> dict[str, Any]:
    """`{% asset_stories asset %}`: on a place's page (the directory sits below learning), the
    published case studies that tell its story. An anonymised story is never linked to a
    place: it would say where it happened."""
    return {"stories": selectors_cases.stories_of_asset(asset)}
