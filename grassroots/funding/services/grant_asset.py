"""Saying which place that matters a grant is for (`Grant.asset`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.services import ServiceError, require
from grassroots.directory.models_assets import Asset
from grassroots.funding.models import Grant


def grant_set_asset(*, actor: Actor, grant: Grant, asset: Asset | None) -> Grant:
    """Link `grant` to `asset` (a place in the fund's council), or unlink it with None."""
    require(actor, "funding.set_grant_asset", grant)
    if asset is not None and asset.council_id != grant.fund.council_id:
        raise ServiceError(_("Choose a place in the fund's council area"))
    with transaction.atomic():
        grant.asset = asset
        grant.save(update_fields=["asset"])
        audit_record(
            actor=actor,
            action="funding.grant_set_asset",
            obj=grant,
            summary=f"Grant for place {asset.pk if asset else 'none'}",
            data={"asset": asset.pk if asset else None},
        )
    return grant
