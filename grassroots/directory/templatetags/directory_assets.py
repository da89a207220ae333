"""{% initiative_assets initiative %}: the places that matter an initiative is about, on the
initiative's page (the link is kept by the directory, which sits above initiatives)."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.directory.selectors_assets import assets_of_initiative

register = template.Library()


@register.inclusion_tag("directory/assets/includes/initiative_assets.html")
def initiative_assets(initiative: Any) -> dict[str, Any]:
    return {"assets": assets_of_initiative(initiative)}
