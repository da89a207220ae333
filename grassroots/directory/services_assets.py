"""Every write about places that matter: mapping a place, nominating it as an Asset of
Community Value, the council's decision, the owner's notice of sale, a group's request to be
treated as a bidder, and the links to initiatives. Each checks its rule first (`require`),
runs in one transaction, writes the audit log and tells the place's followers
(`Kind.ASSET`). Dates are never worked out here: they come from `acv.py`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, followers, notify
from grassroots.core.services import ServiceError, require
from grassroots.directory import acv
from grassroots.directory.models_assets import (
    AcvStatus,
    Asset,
    BidderRequest,
    Decision,
    Nomination,
    SaleNotice,
)
from grassroots.directory.rules_assets import organised_groups
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Ward

# An event the council records "on" a day is stored at noon UK time that day, so it falls
# on that day in the UK whatever the clocks do (acv.local_date).
_NOON = datetime.time(12, 0)


def moment_on(day: datetime.date) -> datetime.datetime:
    """The moment an event recorded for `day` is stored at: noon in the UK, or now if that
    is later today."""
    moment = datetime.datetime.combine(day, _NOON, tzinfo=acv.UK_TIME).astimezone(datetime.UTC)
    now = timezone.now()
    if moment > now and acv.local_date(now) == day:
        return now
    return moment


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def tell_followers(*, asset: Asset, text: str, actor: Actor | None = None) -> None:
    """Tell everyone following `asset` (once each), but not the person who did it."""
    notify(
        recipients=followers(asset=asset),
        kind=Kind.ASSET,
        text=text,
        url=asset.get_absolute_url(),
        exclude=actor,
        actor=actor,
    )


# --- Mapping places -------------------------------------------------------------------------


def asset_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    ward: Ward,
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    description: str = "",
) -> Asset:
    require(actor, "directory.add_asset")
    with transaction.atomic():
        asset = Asset.objects.create(
            name=name,
            kind=kind,
            council=ward.council,
            ward=ward,
            postcode=postcode,
            latitude=latitude,
            longitude=longitude,
            description=description,
            added_by=actor,
        )
        audit_record(
            actor=actor, action="directory.asset_create", obj=asset, summary=f"Mapped {name}"
        )
    return asset


def asset_link_initiative(*, actor: Actor, asset: Asset, initiative: Initiative) -> None:
    """Say that `initiative` (one the actor leads) is about `asset`."""
    require(actor, "directory.link_initiative", asset)
    require(actor, "initiatives.edit_initiative", initiative)
    with transaction.atomic():
        asset.initiatives.add(initiative)
        audit_record(
            actor=actor,
            action="directory.asset_link_initiative",
            obj=asset,
            summary=f"Linked initiative {initiative.pk}",
            data={"initiative": initiative.pk},
        )


# --- Nominating and deciding ------------------------------------------------------------------


def body_problems(
    *, body_kind: str, local_electors: int, distributes_surplus: bool
) -> list[acv.IneligibleReason]:
    """Why a body with these answers may not nominate (acv.ineligibility_reasons)."""
    return acv.ineligibility_reasons(
        acv.NominatingBody(
            kind=acv.BodyKind(body_kind),
            local_electors=local_electors,
            distributes_surplus=distributes_surplus,
        )
    )


def nomination_create(
    *,
    actor: Actor,
    asset: Asset,
    group: Group,
    body_kind: str,
    local_electors: int,
    distributes_surplus: bool,
    reasons: str,
    declared: bool,
) -> Nomination:
    """Send the council a community nomination of `asset` by `group` (which the actor
    organises). The law's checks are `acv.ineligibility_reasons`; the form words them."""
    require(actor, "directory.nominate_asset", asset)
    if group.pk not in organised_groups(actor, asset.council):
        raise ServiceError(_("You can only nominate for a group of this council you organise"))
    if not declared:
        raise ServiceError(_("Confirm that what you have told us is true"))
    if body_problems(
        body_kind=body_kind, local_electors=local_electors, distributes_surplus=distributes_surplus
    ):
        raise ServiceError(_("This body cannot nominate land as an Asset of Community Value"))
    now = timezone.now()
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        if locked.acv_status == AcvStatus.NOMINATED:
            raise ServiceError(_("This place is already waiting for the council's decision"))
        if locked.is_listed:
            raise ServiceError(_("This place is already listed as an Asset of Community Value"))
        nomination = Nomination.objects.create(
            asset=locked,
            group=group,
            group_name=group.name,
            nominated_by=actor,
            body_kind=body_kind,
            local_electors=local_electors,
            distributes_surplus=distributes_surplus,
            reasons=reasons,
            declared_at=now,
            received_at=now,
        )
        locked.acv_status = AcvStatus.NOMINATED
        locked.save(update_fields=["acv_status", "updated_at"])
        audit_record(
            actor=actor,
            action="directory.nomination_create",
            obj=nomination,
            summary=f"{group.name} nominated {asset.name}",
        )
        tell_followers(
            asset=locked,
            actor=actor,
            text=_(
                "%(group)s nominated %(place)s as an Asset of Community Value. The council "
                "must decide by %(deadline)s."
            )
            % {"group": group.name, "place": asset.name, "deadline": _day(nomination.deadline)},
        )
    asset.acv_status = locked.acv_status
    return nomination


def nomination_decide(
    *,
    actor: Actor,
    nomination: Nomination,
    decision: str,
    reasons: str,
    decided_on: datetime.date | None = None,
) -> Nomination:
    """Record the council's decision: listed (for five years) or not listed, with reasons."""
    require(actor, "directory.decide_nomination", nomination)
    decided_at = timezone.now() if decided_on is None else moment_on(decided_on)
    if acv.local_date(decided_at) < acv.local_date(nomination.received_at):
        raise ServiceError(_("The decision cannot be before the council received the nomination"))
    if decided_at > timezone.now():
        raise ServiceError(_("The date of the decision must be today or in the past"))
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update().select_related("asset").get(pk=nomination.pk)
        )
        if locked.decision:
            raise ServiceError(_("This nomination has already been decided"))
        locked.decision = decision
        locked.decision_reasons = reasons
        locked.decided_at = decided_at
        locked.decided_by = actor
        locked.save(update_fields=["decision", "decision_reasons", "decided_at", "decided_by"])
        asset = locked.asset
        if decision == Decision.LISTED:
            asset.acv_status = AcvStatus.LISTED
            asset.listed_at = decided_at
            text = _(
                "The council listed %(place)s as an Asset of Community Value until %(end)s."
            ) % {"place": asset.name, "end": _day(acv.listing_end(decided_at))}
        else:
            asset.acv_status = AcvStatus.NOT_LISTED
            text = _("The council decided not to list %(place)s.") % {"place": asset.name}
        asset.save(update_fields=["acv_status", "listed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="directory.nomination_decide",
            obj=locked,
            summary=f"Decided: {decision}",
            data={"decision": decision},
        )
        tell_followers(asset=asset, actor=actor, text=text)
    return locked


# --- The owner's notice of sale and requests to bid ---------------------------------------------


def current_notice(asset: Asset) -> SaleNotice | None:
    return asset.sale_notices.order_by("-received_at", "-pk").first()


def sale_notice_record(*, actor: Actor, asset: Asset, received_on: datetime.date) -> SaleNotice:
    """Record that the council received the owner's notice of intended sale on `received_on`."""
    require(actor, "directory.record_sale_notice", asset)
    received_at = moment_on(received_on)
    if received_at > timezone.now():
        raise ServiceError(_("The date the notice arrived must be today or in the past"))
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        if locked.listed_at is None or locked.acv_status != AcvStatus.LISTED:
            raise ServiceError(_("Only a listed place can have a notice of sale"))
        if not (
            acv.local_date(locked.listed_at) <= received_on <= acv.listing_end(locked.listed_at)
        ):
            raise ServiceError(_("The notice must arrive while the place is listed"))
        previous = current_notice(locked)
        if previous is not None:
            if received_at < previous.received_at:
                raise ServiceError(_("The notice cannot be before the last notice of sale"))
            if not acv.notice_starts_new_moratorium(previous.received_at, received_at):
                raise ServiceError(
                    _(
                        "The last notice's protected period runs until %(end)s, so a new "
                        "notice does not start a new moratorium"
                    )
                    % {"end": _day(acv.protected_period_end(previous.received_at))}
                )
        notice = SaleNotice.objects.create(asset=locked, received_at=received_at, recorded_by=actor)
        dates = acv.moratorium_dates(received_at)
        audit_record(
            actor=actor,
            action="directory.sale_notice_record",
            obj=notice,
            summary=f"Notice of sale received {received_on.isoformat()}",
        )
        tell_followers(
            asset=locked,
            actor=actor,
            text=_(
                "The owner of %(place)s wants to sell it. A community group can ask to be "
                "treated as a bidder until %(interim)s; the owner cannot sell before then."
            )
            % {"place": locked.name, "interim": _day(dates.interim_end)},
        )
    return notice


def bidder_request_record(
    *,
    actor: Actor,
    notice: SaleNotice,
    group: Group | None = None,
    group_name: str = "",
    received_on: datetime.date | None = None,
) -> BidderRequest:
    """A community group's written request to be treated as a potential bidder. An organiser
    makes it for their own group today; an officer records one that reached the council."""
    require(actor, "directory.request_to_bid", notice)
    asset = notice.asset
    if group is not None:
        if group.pk not in organised_groups(actor, asset.council):
            raise ServiceError(_("You can only ask for a group of this council you organise"))
        group_name = group.name
    if not group_name:
        raise ServiceError(_("Enter the name of the group"))
    received_at = timezone.now() if received_on is None else moment_on(received_on)
    if received_at > timezone.now():
        raise ServiceError(_("The date the request arrived must be today or in the past"))
    if acv.local_date(received_at) < acv.local_date(notice.received_at):
        raise ServiceError(_("The request cannot be before the notice of sale"))
    if not acv.bidder_request_in_time(notice.received_at, received_at):
        raise ServiceError(
            _(
                "Requests to be treated as a bidder had to reach the council by %(end)s, the "
                "end of the interim moratorium"
            )
            % {"end": _day(acv.interim_moratorium_end(notice.received_at))}
        )
    with transaction.atomic():
        SaleNotice.objects.select_for_update().get(pk=notice.pk)
        first = not notice.bidder_requests.exists()
        request = BidderRequest.objects.create(
            notice=notice,
            group=group,
            group_name=group_name,
            received_at=received_at,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="directory.bidder_request_record",
            obj=request,
            summary=f"{group_name} asked to be treated as a bidder",
        )
        dates = notice.dates()
        text = _("%(group)s asked to be treated as a bidder for %(place)s.") % {
            "group": group_name,
            "place": asset.name,
        }
        if first and dates.full_end is not None:
            text += " " + _("The owner cannot sell before %(end)s (the full moratorium).") % {
                "end": _day(dates.full_end)
            }
        tell_followers(asset=asset, actor=actor, text=text)
    return request


# --- The daily reminder ---------------------------------------------------------------------


def tell_moratorium_ends(*, today: datetime.date | None = None) -> int:
    """Tell followers of each place whose moratorium or protected period has ended (the day
    after its last day), once each; returns how many messages went out. Run daily."""
    today = today or timezone.localdate()
    sent = 0
    waiting = (
        SaleNotice.objects.filter(protected_end_told_at__isnull=True)
        .select_related("asset")
        .prefetch_related("bidder_requests")
        .order_by("pk")
    )
    for notice in waiting.iterator(chunk_size=200):
        dates = notice.dates()
        asset = notice.asset
        with transaction.atomic():
            locked = SaleNotice.objects.select_for_update().get(pk=notice.pk)
            if locked.moratorium_end_told_at is None and today > dates.moratorium_end:
                tell_followers(
                    asset=asset,
                    text=_(
                        "The moratorium on the sale of %(place)s ended on %(end)s. The owner "
                        "may now sell it to anyone until %(protected)s."
                    )
                    % {
                        "place": asset.name,
                        "end": _day(dates.moratorium_end),
                        "protected": _day(dates.protected_end),
                    },
                )
                locked.moratorium_end_told_at = timezone.now()
                locked.save(update_fields=["moratorium_end_told_at"])
                sent += 1
            if locked.protected_end_told_at is None and today > dates.protected_end:
                tell_followers(
                    asset=asset,
                    text=_(
                        "The protected period for %(place)s ended on %(end)s. A sale now needs "
                        "a new notice to the council and a new moratorium."
                    )
                    % {"place": asset.name, "end": _day(dates.protected_end)},
                )
                locked.protected_end_told_at = timezone.now()
                locked.save(update_fields=["protected_end_told_at"])
                sent += 1
    return sent
