"""Money in templates (`{{ pence|pounds }}`) and `{% apply_for_money initiative_or_group %}`:
on an initiative's or a group's page, the funds of its area it may apply to (shown only to
those who may apply for it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from grassroots.accounts.types import viewer_in
from grassroots.funding import money
from grassroots.funding.models import Fund
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative

register = template.Library()


@register.filter(name="pounds")
def pounds(value: int | None) -> str:
    return money.pounds(value)


@register.inclusion_tag("funding/includes/apply_for_money.html", takes_context=True)
def apply_for_money(context: template.Context, applicant: Initiative | Group) -> dict[str, Any]:
    viewer = viewer_in(context)
    if not viewer.is_authenticated or not viewer.has_perm("funding.apply", applicant):
        return {"funds": []}
    kind = "initiative" if isinstance(applicant, Initiative) else "group"
    funds = (
        Fund.objects.filter(wards__in=applicant.wards.all())
        .distinct()
        .order_by("name")
        .only("name", "slug")
    )
    return {
        "funds": [
            (
                fund,
                f"{reverse('funding:apply', kwargs={'slug': fund.slug})}?for={kind}:{applicant.pk}",
            )
            for fund in funds
        ]
    }
