"""Template filters for participatory-budgeting pages: `{{ pence|pb_pounds }}`."""

from __future__ import annotations

from django import template

from grassroots.funding.money import pounds

register = template.Library()


@register.filter
def pb_pounds(pence: int | None) -> str:
    return pounds(pence)
