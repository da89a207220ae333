"""Demo places that matter in the Brookmere demo borough (a step of `seed.STEPS`).

Five places, each at another step of the Assets of Community Value story: one just mapped,
one nominated and waiting for the council, one listed, one listed whose owner has given
notice of sale (in its interim moratorium, with a group's request to be treated as a bidder),
and one the council did not list. The demo resident's park group nominates them, the demo
officer decides, and the demo resident follows all five. Everything is made by the services
people use, then the events are moved back in time so the dates look lived-in; every date on
the pages is still worked out from those events by `directory/acv.py`. Re-running rebuilds
the same five places.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from grassroots.demo.borough import Borough
from grassroots.demo.groups import demo_groups
from grassroots.directory import services_assets as services
from grassroots.directory.models_assets import (
    AcvStatus,
    Asset,
    BidderRequest,
    Decision,
    Nomination,
    SaleNotice,
)
from grassroots.following.services import follow_start
from grassroots.learning.models_cases import CaseStudy

# name, kind, what happens, why it matters
PLACES = (
    (
        "Brookmere Library",
        "library",
        "mapped",
        "Homework club, warm space and the only free computers for miles.",
    ),
    (
        "The Kingfisher",
        "pub",
        "nominated",
        "The last pub on the estate, home of the darts league and the folk night.",
    ),
    (
        "Mill Lane Community Hall",
        "hall",
        "listed",
        "Playgroup, pensioners' lunch club and every party in the ward.",
    ),
    (
        "The Brookmere Arms",
        "pub",
        "for sale",
        "Quiz night, the football club's home and a room for the residents' meetings.",
    ),
    ("Station Road Stores", "shop", "not listed", "A corner shop that stays open late."),
)
DAY = datetime.timedelta(days=1)
HALL_STORY = "Warm spaces in Alderwick's halls"


def _backdate(nomination: Nomination, *, received: int, decided: int | None = None) -> None:
    now = timezone.now()
    Nomination.objects.filter(pk=nomination.pk).update(
        received_at=now - received * DAY,
        declared_at=now - received * DAY,
        **({"decided_at": now - decided * DAY} if decided is not None else {}),
    )
    if decided is not None and nomination.decision == Decision.LISTED:
        Asset.objects.filter(pk=nomination.asset_id).update(listed_at=now - decided * DAY)


def seed_assets(borough: Borough) -> None:
    resident = borough.accounts.get("resident")
    officer = borough.accounts.get("officer")
    group = demo_groups(borough.council).order_by("name").filter(created_by=resident).first()
    Asset.objects.filter(council=borough.council, name__in=[p[0] for p in PLACES]).delete()
    if resident is None or officer is None or group is None:
        borough.counts["places that matter"] = 0
        return
    wards = list(borough.wards.values())
    postcodes = list(borough.postcodes.values())
    for index, (name, kind, step, why) in enumerate(PLACES):
        ward = wards[index % len(wards)]
        postcode = next(
            (p for p in postcodes if p.ward_code == ward.gss_code and p.terminated_on is None),
            None,
        )
        asset = services.asset_create(
            actor=resident,
            name=name,
            kind=kind,
            ward=ward,
            postcode=postcode.postcode if postcode else "",
            latitude=postcode.latitude if postcode else None,
            longitude=postcode.longitude if postcode else None,
            description=why,
        )
        follow_start(user=resident, target=asset)
        if step == "mapped":
            continue
        nomination = services.nomination_create(
            actor=resident,
            asset=asset,
            group=group,
            body_kind="unincorporated",
            local_electors=34,
            distributes_surplus=False,
            reasons=why,
            declared=True,
        )
        if step == "nominated":
            _backdate(nomination, received=12)
            continue
        decision = Decision.NOT_LISTED if step == "not listed" else Decision.LISTED
        decided = services.nomination_decide(
            actor=officer,
            nomination=nomination,
            decision=decision,
            reasons=(
                "The hall's main use furthers the social wellbeing of the community, and it can "
                "realistically continue to."
                if decision == Decision.LISTED
                else "A shop whose main use is retail does not further social wellbeing enough."
            ),
        )
        _backdate(decided, received=120, decided=75)
        if step != "for sale":
            continue
        asset.refresh_from_db()
        notice = services.sale_notice_record(
            actor=officer, asset=asset, received_on=timezone.localdate() - 10 * DAY
        )
        services.bidder_request_record(actor=resident, notice=notice, group=group)
        BidderRequest.objects.filter(notice=notice).update(received_at=timezone.now() - 3 * DAY)
    # A case study tells the hall's story (its links go when the places are made again).
    hall = Asset.objects.get(council=borough.council, name="Mill Lane Community Hall")
    for story in CaseStudy.objects.filter(council=borough.council, title=HALL_STORY):
        story.assets.add(hall)
    borough.counts["places that matter"] = len(PLACES)
    assert Asset.objects.filter(council=borough.council, acv_status=AcvStatus.LISTED).exists()
    assert SaleNotice.objects.filter(asset__council=borough.council).exists()
