"""Template filters and tags for participatory-budgeting rounds: `{{ pence|pb_pounds }}` and
`{% pb_rounds fund %}` (the rounds panel for the fund's page)."""

from __future__ import annotations

from django import template

from grassroots.funding.models import Fund
from grassroots.funding.money import pounds
from grassroots.funding.pbround_selectors import rounds_of

register = template.Library()


@register.filter
def pb_pounds(pence: int | None) -> str:
    return pounds(pence)


@register.inclusion_tag("funding/pbround_panel.html", takes_context=True)
def pb_rounds(context: template.Context, fund: Fund) -> dict[str, object]:
    """The fund's participatory-budgeting rounds for its page (one query), with the link to
    open one for those who may: `{% pb_rounds fund %}`."""
    user = context.get("user")
    return {
        "fund": fund,
        "rounds": list(rounds_of(fund)[:5]),
        "can_create": bool(user is not None and user.has_perm("funding.create_round", fund)),
    }
