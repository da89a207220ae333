"""Template tags for showing groups on other apps' pages (one query each)."""

from __future__ import annotations

from django import template

from grassroots.core import pagecache
from grassroots.groups import selectors
from grassroots.groups.models import Group
from grassroots.places.models import Ward

register = template.Library()

WARD_LIMIT = 10


@register.simple_tag
def groups_in_ward(ward: Ward) -> list[Group]:
    """Up to ten groups active in `ward`, by name, with their member counts: the same for
    everyone (every group is public, `groups.visibility`), so shared (`pagecache.shared`)."""

    def draw() -> list[Group]:
        return list(selectors.group_list(ward=ward).prefetch_related(None)[:WARD_LIMIT])

    return pagecache.shared("groups.in_ward", (ward.pk, WARD_LIMIT), draw)
