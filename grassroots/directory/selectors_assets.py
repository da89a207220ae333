"""Reads for places that matter: the filtered list, one place with its story, the council's
nominations, and what a person may choose from. Every list is bounded (a page, or a limit)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.types import Viewer
from grassroots.directory import acv
from grassroots.directory.models_assets import (
    Asset,
    BidderRequest,
    Nomination,
    SaleNotice,
)
from grassroots.directory.rules_assets import organised_groups
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus
from grassroots.initiatives.visibility import public_q, visible_initiatives
from grassroots.places.models import Council

NOMINATIONS_LIMIT = 200
CHOICES_LIMIT = 50


def asset_list(
    *,
    council: Council | None = None,
    kind: str = "",
    status: str = "",
    q: str = "",
) -> QuerySet[Asset]:
    assets = Asset.objects.select_related("council", "ward")
    if council is not None:
        assets = assets.filter(council=council)
    if kind:
        assets = assets.filter(kind=kind)
    if status:
        assets = assets.filter(acv_status=status)
    if q:
        assets = assets.filter(name__icontains=q)
    return assets.order_by("name", "pk")


def councils_with_assets() -> QuerySet[Council]:
    return Council.objects.filter(assets__isnull=False).distinct().order_by("name")


@dataclass(frozen=True)
class NoticeView:
    """A notice of sale with the dates acv.py derives from it and its requests to bid."""

    notice: SaleNotice
    dates: acv.MoratoriumDates
    requests: list[BidderRequest]
    sale_block: acv.SaleBlock | None  # what stops a sale completing today
    in_interim: bool


def notice_view(notice: SaleNotice, today: datetime.date) -> NoticeView:
    requests = list(notice.bidder_requests.all())
    dates = notice.dates()
    return NoticeView(
        notice=notice,
        dates=dates,
        requests=requests,
        sale_block=acv.sale_block(dates, today),
        in_interim=today <= dates.interim_end,
    )


def asset_detail(pk: int) -> Asset | None:
    """One place, with its council, ward, nominations (and their groups) and notices of sale
    (with their requests to bid), in a fixed number of queries."""
    return (
        Asset.objects.select_related("council", "ward", "added_by")
        .prefetch_related(
            Prefetch(
                "nominations",
                queryset=Nomination.objects.select_related("group").order_by("-received_at", "-pk"),
            ),
            Prefetch(
                "sale_notices",
                queryset=SaleNotice.objects.prefetch_related("bidder_requests").order_by(
                    "-received_at", "-pk"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def asset_initiatives(viewer: Viewer, asset: Asset) -> list[Initiative]:
    """The initiatives about `asset` that `viewer` may see."""
    return list(
        visible_initiatives(viewer, asset.initiatives.all()).order_by("title")[:CHOICES_LIMIT]
    )


def assets_of_initiative(initiative: Initiative) -> list[Asset]:
    return list(initiative.assets.order_by("name")[:CHOICES_LIMIT])


def officer_councils(user: Viewer) -> list[Council]:
    """The councils in which `user` holds a current officer post."""
    if not isinstance(user, User):
        return []
    ids = OfficerPost.objects.current().filter(user=user).values("department__council")
    return list(Council.objects.filter(pk__in=ids).order_by("name"))


def council_nominations(council: Council) -> list[Nomination]:
    """The council's nominations, those waiting first (the oldest at the top), then the
    decided ones, newest first."""
    base = Nomination.objects.filter(asset__council=council).select_related("asset", "group")
    waiting = list(base.filter(decision="").order_by("received_at", "pk")[:NOMINATIONS_LIMIT])
    decided = list(base.exclude(decision="").order_by("-decided_at", "-pk")[:NOMINATIONS_LIMIT])
    return waiting + decided


def groups_to_nominate(user: Viewer, council: Council) -> QuerySet[Group]:
    return Group.objects.filter(pk__in=organised_groups(user, council)).order_by("name")


def initiatives_led(user: Viewer, asset: Asset) -> QuerySet[Initiative]:
    """Public initiatives `user` leads that are not yet linked to `asset`."""
    if not isinstance(user, User):
        return Initiative.objects.none()
    return (
        Initiative.objects.filter(public_q())
        .filter(
            memberships__user=user,
            memberships__role=MemberRole.LEAD,
            memberships__status=MembershipStatus.APPROVED,
        )
        .exclude(pk__in=asset.initiatives.values("pk"))
        .order_by("title")
    )
