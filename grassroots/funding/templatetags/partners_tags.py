"""Money in pounds on the funding pages, and the group page's link to its partnership.

{% load partners_tags %}
{{ fund.total_pence|pounds }}          £1,000,000
{{ change|pounds_change }}             +£500, minus sign £500, or no change
{% partnership_of_group group %}       the group's partnership, if it has one
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from grassroots.accounts.types import viewer_in
from grassroots.funding import money, selectors_partners
from grassroots.groups.models import Group

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return money.pounds(pence)


@register.filter
def pounds_change(pence: int | None) -> str:
    if not pence:
        return _("no change")
    if pence > 0:
        return f"+{money.pounds(pence)}"
    return f"\u2212{money.pounds(-pence)}"


@register.inclusion_tag("funding/includes/partnership_of_group.html", takes_context=True)
def partnership_of_group(context: template.Context, group: Group) -> dict[str, Any]:
    partnership = selectors_partners.partnership_of_group(group.pk)
    viewer = viewer_in(context)
    may_create = (
        partnership is None
        and viewer.is_authenticated
        and viewer.has_perm("funding.create_partnership", group)
    )
    return {"partnership": partnership, "group": group, "may_create": may_create}
