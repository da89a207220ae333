"""`{% need_offers initiative %}`: on an initiative's page, under its needs, the offers of help
nearby that match each open need, for its leads only; and the `offer_days`/`offer_parts`
filters that say when an offer is available."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.accounts.types import viewer_in
from grassroots.directory import selectors_offers as selectors
from grassroots.directory.models import Weekday
from grassroots.directory.models_offers import Offer, PartOfDay
from grassroots.initiatives.models import Initiative, Need

register = template.Library()


@register.filter
def offer_days(offer: Offer) -> str:
    names = dict(Weekday.choices)
    return ", ".join(str(names[day]) for day in offer.days if day in names)


@register.filter
def offer_parts(offer: Offer) -> str:
    names = dict(PartOfDay.choices)
    return ", ".join(str(names[part]).lower() for part in offer.parts_of_day if part in names)


@register.inclusion_tag("directory/offers/need_offers.html", takes_context=True)
def need_offers(context: template.Context, initiative: Initiative) -> dict[str, Any]:
    viewer = viewer_in(context)
    if not viewer.is_authenticated or not viewer.has_perm("initiatives.manage_needs", initiative):
        return {"show": False}
    shown = context.get("needs")  # the initiative page's own list, to save a query
    needs = [n for n in shown if isinstance(n, Need)] if isinstance(shown, list) else None
    return {"show": True, "results": selectors.need_matches(viewer, initiative, needs_shown=needs)}
