"""`{{ pence|pounds }}`: integer pence written in pounds for the funding pages."""

from __future__ import annotations

from django import template

from grassroots.funding.money import pounds as pounds_text

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return pounds_text(pence)
