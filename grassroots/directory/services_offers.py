"""Every write about offers of help and introductions (see `models_offers`).

Each function checks its rule first (`rules_offers`), runs in one transaction, writes the audit
log and tells the other side through `core.notices`. A notice to an offerer about a safeguarded
initiative names nothing about it: the offerer is outside it, and stays so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.directory.models import Organization
from grassroots.directory.models_offers import (
    MAX_TRAVEL_MILES,
    Introduction,
    IntroductionStatus,
    Offer,
    OfferKind,
    OfferStatus,
    PartOfDay,
)
from grassroots.initiatives.models import Need, NeedStatus
from grassroots.initiatives.services._common import leads_of

MAX_MESSAGE = 1000


@dataclass(frozen=True)
class OfferDetails:
    """What an offerer says about an offer (the form's cleaned data)."""

    kind: str
    title: str
    description: str
    tags: Sequence[str]
    days: Sequence[int]
    parts_of_day: Sequence[str]
    when_text: str
    postcode: str
    latitude: float
    longitude: float
    area_name: str
    travel_miles: int


def _check(details: OfferDetails) -> None:
    if details.kind not in OfferKind.values:
        raise ServiceError(_("Choose what you offer"))
    if not details.title.strip() or not details.description.strip():
        raise ServiceError(_("Give the offer a title and a description"))
    if not 0 <= details.travel_miles <= MAX_TRAVEL_MILES:
        raise ServiceError(
            _("How far you will travel must be between 0 and %(most)s miles")
            % {"most": MAX_TRAVEL_MILES}
        )
    if any(day not in range(7) for day in details.days) or any(
        part not in PartOfDay.values for part in details.parts_of_day
    ):
        raise ServiceError(_("Choose days and times of day from the lists"))


def _apply(offer: Offer, details: OfferDetails) -> None:
    offer.kind = details.kind
    offer.title = details.title.strip()
    offer.description = details.description.strip()
    offer.tags = ", ".join(dict.fromkeys(t.strip() for t in details.tags if t.strip()))
    offer.days = sorted(set(details.days))
    offer.parts_of_day = [p for p in PartOfDay.values if p in set(details.parts_of_day)]
    offer.when_text = details.when_text.strip()
    offer.postcode = details.postcode
    offer.latitude = details.latitude
    offer.longitude = details.longitude
    offer.area_name = details.area_name
    offer.travel_miles = details.travel_miles


def offer_create(
    *, actor: Actor, details: OfferDetails, organization: Organization | None = None
) -> Offer:
    require(actor, "directory.add_offer")
    if organization is not None:
        require(actor, "directory.offer_for_organization", organization)
    _check(details)
    with transaction.atomic():
        offer = Offer(owner=actor, organization=organization)
        _apply(offer, details)
        offer.save()
        audit_record(actor=actor, action="directory.offer_create", obj=offer, summary=offer.title)
    return offer


def offer_update(
    *, actor: Actor, offer: Offer, details: OfferDetails, status: str | None = None
) -> Offer:
    require(actor, "directory.change_offer", offer)
    _check(details)
    if status is not None and status not in (OfferStatus.OPEN, OfferStatus.PAUSED):
        raise ServiceError(_("Choose whether the offer is open or paused"))
    with transaction.atomic():
        current = Offer.objects.select_for_update().get(pk=offer.pk)
        if current.status == OfferStatus.CLOSED:
            raise ServiceError(_("This offer is closed. Make a new offer instead."))
        _apply(current, details)
        if status is not None:
            current.status = status
        current.save()
        audit_record(
            actor=actor,
            action="directory.offer_update",
            obj=current,
            summary=current.title,
            data={"status": current.status},
        )
    return current


def offer_close(*, actor: Actor, offer: Offer) -> Offer:
    """Close an offer for good; introductions still waiting for an answer are withdrawn."""
    require(actor, "directory.change_offer", offer)
    with transaction.atomic():
        changed = (
            Offer.objects.filter(pk=offer.pk)
            .exclude(status=OfferStatus.CLOSED)
            .update(status=OfferStatus.CLOSED, updated_at=timezone.now())
        )
        if not changed:
            raise ServiceError(_("This offer is already closed."))
        Introduction.objects.filter(offer=offer, status=IntroductionStatus.WAITING).update(
            status=IntroductionStatus.WITHDRAWN, answered_at=timezone.now()
        )
        audit_record(actor=actor, action="directory.offer_close", obj=offer, summary=offer.title)
    offer.refresh_from_db()
    return offer


def need_label(need: Need) -> str:
    """What an outsider may be told about a need: its initiative's title, unless it is
    safeguarded (then only that a private group has a need)."""
    if need.initiative.is_safeguarded:
        return _("a private local group")
    return need.initiative.title


def introduction_send(*, actor: Actor, need: Need, offer: Offer, message: str = "") -> Introduction:
    """A lead asks to be introduced to an offerer; sending is the lead's own yes."""
    require(actor, "directory.introduce", need)
    if need.status != NeedStatus.OPEN:
        raise ServiceError(_("This need has been met, so it needs no introduction."))
    if offer.status != OfferStatus.OPEN:
        raise ServiceError(_("This offer is not open at the moment."))
    if offer.owner_id == actor.pk:
        raise ServiceError(_("This is your own offer."))
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ServiceError(
            _("The message must be %(most)s characters or fewer") % {"most": MAX_MESSAGE}
        )
    try:
        with transaction.atomic():
            introduction = Introduction.objects.create(
                need=need, offer=offer, sent_by=actor, message=message
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("You have already asked for an introduction to this offer for this need.")
        ) from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="directory.introduction_send",
            obj=introduction,
            summary=f"need {need.pk}, offer {offer.pk}",
        )
        notify(
            recipients=[offer.owner],
            kind=Kind.INTRODUCTION,
            text=_("%(who)s would like an introduction about your offer “%(offer)s”")
            % {"who": need_label(need), "offer": offer.title},
            url=introduction.get_absolute_url(),
            exclude=actor,
            actor=actor,
        )
    return introduction


def introduction_answer(*, actor: Actor, introduction: Introduction, accept: bool) -> Introduction:
    """The offerer accepts (both sides have then said yes) or declines."""
    require(actor, "directory.answer_introduction", introduction)
    status = IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED
    with transaction.atomic():
        changed = Introduction.objects.filter(
            pk=introduction.pk, status=IntroductionStatus.WAITING
        ).update(status=status, answered_at=timezone.now(), answered_by=actor)
        if not changed:
            raise ServiceError(_("This introduction has already been answered or withdrawn."))
        introduction.refresh_from_db()
        audit_record(
            actor=actor,
            action=f"directory.introduction_{status}",
            obj=introduction,
            summary=f"need {introduction.need_id}, offer {introduction.offer_id}",
        )
        initiative = introduction.need.initiative
        notify(
            recipients=leads_of(initiative),
            kind=Kind.INTRODUCTION,
            text=(
                _("The offer “%(offer)s” accepted your introduction for %(title)s")
                if accept
                else _("The offer “%(offer)s” declined your introduction for %(title)s")
            )
            % {"offer": introduction.offer.title, "title": initiative.title},
            url=introduction.get_absolute_url(),
            initiative=initiative,
            exclude=actor,
            actor=actor,
        )
    return introduction


def introduction_withdraw(*, actor: Actor, introduction: Introduction) -> Introduction:
    """A lead takes back an introduction still waiting for the offerer's answer."""
    require(actor, "directory.withdraw_introduction", introduction)
    with transaction.atomic():
        changed = Introduction.objects.filter(
            pk=introduction.pk, status=IntroductionStatus.WAITING
        ).update(status=IntroductionStatus.WITHDRAWN, answered_at=timezone.now())
        if not changed:
            raise ServiceError(_("Only an introduction waiting for an answer can be withdrawn."))
        introduction.refresh_from_db()
        audit_record(
            actor=actor,
            action="directory.introduction_withdraw",
            obj=introduction,
            summary=f"need {introduction.need_id}, offer {introduction.offer_id}",
        )
    return introduction


def offers_data_export(user: User) -> list[dict[str, Any]]:
    """The offers a person made, for "Download your data" (`accounts.personal_data`)."""
    return [
        {
            "title": o.title,
            "description": o.description,
            "kind": o.kind,
            "postcode": o.postcode,
            "travel_miles": o.travel_miles,
            "status": o.status,
            "made": o.created_at.isoformat(),
        }
        for o in Offer.objects.filter(owner=user).order_by("created_at")
    ]


def offers_data_erase(user: User) -> None:
    """Deleting an account deletes the person's own offers (with their postcode) and the
    introductions to them; an organisation's offers stay with the organisation."""
    Offer.objects.filter(owner=user, organization__isnull=True).delete()
