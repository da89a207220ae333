"""What the initiatives services share: who leads an initiative, and who may never lead it."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import Initiative, MemberRole, Membership, MembershipStatus
from grassroots.initiatives.rules import represented_ward_ids
from grassroots.places.models import Ward


def leads_of(initiative: Initiative) -> list[Actor]:
    """The initiative's approved leads (the people told about requests and answers)."""
    return [
        m.user
        for m in Membership.objects.filter(
            initiative=initiative, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
        ).select_related("user")
    ]


def refuse_councillor_leads(leads: Iterable[Actor], wards: Iterable[Ward]) -> None:
    """A councillor never leads an initiative in a ward they represent."""
    ward_ids = {w.pk for w in wards}
    for lead in leads:
        if represented_ward_ids(lead) & ward_ids:
            raise ServiceError(
                _(
                    "A councillor cannot lead an initiative in a ward they represent. "
                    "You can support it, or join it as a member."
                )
            )
