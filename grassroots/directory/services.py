"""Writes for the directory's listings: suggestions, editors' decisions, owners' checks.

- `suggestion_create`: anyone signed in suggests a new listing, or a correction to a public
  service; the editors are told.
- `suggestion_approve` applies it (a new organisation and service, approved and checked today,
  with a location placed by its postcode; or the corrected fields written to the service) and
  tells its author and the listing's owner; `suggestion_reject` records why and tells the author.
- `listing_confirm`: the owner (or an editor) says a listing is still correct; it is checked
  today, and will be asked about again in a year.
- `owners_ask`: the yearly question to owners of listings last checked over a year ago, once
  (`manage.py ask_directory_owners`, or the task in `tasks.py`).

Each write checks its permission first (`directory.*` in rules.py), runs in one transaction and
is audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.types import Actor
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.directory import selectors
from grassroots.directory.models import (
    Contact,
    ListingStatus,
    Location,
    Need,
    Organization,
    OrganizationKind,
    Phone,
    Service,
    ServiceAtLocation,
)
from grassroots.directory.models_suggestions import Suggestion, SuggestionKind, SuggestionStatus
from grassroots.directory.visibility import can_view

# What a suggestion may propose, and the longest each may be.
SERVICE_FIELDS: dict[str, int] = {
    "name": 255,
    "description": 2000,
    "who_for": 1000,
    "eligibility": 1000,
    "cost": 500,
    "how_to_access": 1000,
    "url": 500,
    "email": 254,
}
NEW_ONLY_FIELDS: dict[str, int] = {
    "organization_name": 255,
    "address_1": 255,
    "city": 120,
    "postcode": 10,
    "phone": 40,
}
MAX_NOTE = 1000
MAX_REASON = 1000


def _editors() -> list[User]:
    return list(User.objects.filter(is_editor=True, is_active=True).order_by("pk")[:50])


def _checked(proposed: dict[str, Any], *, new: bool) -> dict[str, str]:
    allowed = dict(SERVICE_FIELDS)
    if new:
        allowed |= NEW_ONLY_FIELDS
        allowed |= {"organization_kind": 20, "need": 20}
    else:
        allowed |= {"need": 20}
    clean: dict[str, str] = {}
    for key, value in proposed.items():
        if key not in allowed:
            raise ServiceError(_("Something in the suggestion is not part of a listing"))
        text = str(value or "").strip()
        if len(text) > allowed[key]:
            raise ServiceError(
                _("Each answer must be %(max)d characters or fewer") % {"max": allowed[key]}
            )
        clean[key] = text
    clean["name"] = clean_text(
        clean.get("name", ""),
        max_length=SERVICE_FIELDS["name"],
        empty=_("Enter the name of the service"),
        too_long=_("The name must be 255 characters or fewer"),
    )
    if new and not clean.get("organization_name"):
        raise ServiceError(_("Enter the name of the organisation"))
    if clean.get("need", Need.OTHER) not in Need.values:
        raise ServiceError(_("Choose what the service helps with from the list"))
    if new and clean.get("organization_kind", OrganizationKind.COMMUNITY_GROUP) not in (
        OrganizationKind.values
    ):
        raise ServiceError(_("Choose what kind of organisation it is from the list"))
    return clean


def suggestion_create(
    *,
    actor: Actor,
    proposed: dict[str, Any],
    note: str = "",
    service: Service | None = None,
) -> Suggestion:
    """Suggest a new listing (no `service`) or a correction to a public `service`."""
    require(actor, "directory.suggest", service)
    if service is not None and not can_view(actor, service):
        raise ServiceError(_("You can only suggest a correction to a listing that is public"))
    clean = _checked(proposed, new=service is None)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ServiceError(_("The note must be %(max)d characters or fewer") % {"max": MAX_NOTE})
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            kind=SuggestionKind.CORRECTION if service is not None else SuggestionKind.NEW,
            service=service,
            organization=service.organization if service is not None else None,
            proposed=clean,
            note=note,
            author=actor,
        )
        audit_record(
            actor=actor,
            action="directory.suggest",
            obj=suggestion,
            summary=f"Suggested {suggestion.get_kind_display()}: {clean['name']}",
        )
        notify(
            recipients=_editors(),
            kind=Kind.DIRECTORY,
            text=_("New suggestion for the directory: %(name)s") % {"name": clean["name"]},
            url=reverse("directory:suggestion", args=[suggestion.pk]),
            exclude=actor,
            actor=actor,
        )
    return suggestion


def _pending(suggestion: Suggestion) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise ServiceError(_("This suggestion has already been decided"))


def _apply_new(suggestion: Suggestion, today: datetime.date) -> Service:
    data = suggestion.proposed
    organization = Organization.objects.create(
        name=data["organization_name"],
        kind=data.get("organization_kind") or OrganizationKind.COMMUNITY_GROUP,
        listing_status=ListingStatus.APPROVED,
        last_checked=today,
    )
    service = Service.objects.create(
        organization=organization,
        listing_status=ListingStatus.APPROVED,
        last_checked=today,
        need=data.get("need") or Need.OTHER,
        **{key: data.get(key, "") for key in SERVICE_FIELDS},
    )
    if data.get("postcode") or data.get("address_1"):
        found = selectors.postcode_point(data.get("postcode", ""))
        location = Location.objects.create(
            name=data.get("address_1", "")[:255],
            address_1=data.get("address_1", ""),
            city=data.get("city", ""),
            postcode=found.postcode or data.get("postcode", ""),
            latitude=found.point.latitude if found.point else None,
            longitude=found.point.longitude if found.point else None,
        )
        ServiceAtLocation.objects.create(service=service, location=location)
    if data.get("phone"):
        contact = Contact.objects.create(service=service, name=organization.name)
        Phone.objects.create(contact=contact, number=data["phone"])
    suggestion.organization = organization
    suggestion.service = service
    return service


def _apply_correction(suggestion: Suggestion, today: datetime.date) -> Service:
    service = suggestion.service
    if service is None:
        raise ServiceError(_("The listing this correction was for no longer exists"))
    for key in SERVICE_FIELDS:
        if key in suggestion.proposed:
            setattr(service, key, suggestion.proposed[key])
    if suggestion.proposed.get("need"):
        service.need = suggestion.proposed["need"]
    service.last_checked = today
    service.save()
    return service


def suggestion_approve(*, actor: Actor, suggestion: Suggestion) -> Service:
    """Apply the suggestion and approve it; returns the service it made or corrected."""
    require(actor, "directory.review", suggestion)
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        _pending(suggestion)
        now = timezone.now()
        if suggestion.kind == SuggestionKind.NEW:
            service = _apply_new(suggestion, now.date())
        else:
            service = _apply_correction(suggestion, now.date())
        suggestion.status = SuggestionStatus.APPROVED
        suggestion.decided_by = actor
        suggestion.decided_at = now
        suggestion.save()
        audit_record(
            actor=actor,
            action="directory.approve",
            obj=suggestion,
            summary=f"Approved {suggestion.get_kind_display()}: {service.name}",
            data={"service": str(service.pk)},
        )
        url = reverse("directory:service", args=[service.pk])
        notify(
            recipients=[suggestion.author],
            kind=Kind.DIRECTORY,
            text=_("Your suggestion for %(name)s was approved. Thank you") % {"name": service.name},
            url=url,
            actor=actor,
        )
        owner = service.organization.owner
        if suggestion.kind == SuggestionKind.CORRECTION and owner is not None:
            notify(
                recipients=[owner],
                kind=Kind.DIRECTORY,
                text=_("A correction to your listing %(name)s was approved")
                % {"name": service.name},
                url=url,
                exclude=suggestion.author,
                actor=actor,
            )
    return service


def suggestion_reject(*, actor: Actor, suggestion: Suggestion, reason: str) -> Suggestion:
    require(actor, "directory.review", suggestion)
    reason = clean_text(
        reason,
        max_length=MAX_REASON,
        empty=_("Enter why the suggestion is rejected"),
        too_long=_("The reason must be %(max)d characters or fewer") % {"max": MAX_REASON},
    )
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        _pending(suggestion)
        suggestion.status = SuggestionStatus.REJECTED
        suggestion.decided_by = actor
        suggestion.decided_at = timezone.now()
        suggestion.reason = reason
        suggestion.save()
        audit_record(
            actor=actor,
            action="directory.reject",
            obj=suggestion,
            summary=f"Rejected suggestion {suggestion.pk}",
            data={"reason": reason},
        )
        notify(
            recipients=[suggestion.author],
            kind=Kind.DIRECTORY,
            text=_("Your suggestion for the directory was not accepted: %(reason)s")
            % {"reason": reason},
            url=reverse("directory:search"),
            actor=actor,
        )
    return suggestion


def listing_confirm(*, actor: Actor, organization: Organization) -> Organization:
    """The owner says the listing is still correct: it, and its services, are checked today."""
    require(actor, "directory.confirm", organization)
    if organization.listing_status != ListingStatus.APPROVED:
        raise ServiceError(_("Only a listing that is public can be confirmed"))
    today = timezone.localdate()
    with transaction.atomic():
        organization.last_checked = today
        organization.owner_asked_at = None
        organization.save(update_fields=["last_checked", "owner_asked_at", "modified"])
        organization.services.filter(listing_status=ListingStatus.APPROVED).update(
            last_checked=today, modified=timezone.now()
        )
        audit_record(
            actor=actor,
            action="directory.confirm",
            obj=organization,
            summary=f"Confirmed the listing {organization.name} is still correct",
        )
    return organization


def owners_ask(now: datetime.datetime | None = None) -> int:
    """Ask each owner of a listing last checked over a year ago to confirm it, once."""
    now = now or timezone.now()
    asked = 0
    for organization in selectors.organizations_to_ask(now).iterator(chunk_size=200):
        with transaction.atomic():
            claimed = Organization.objects.filter(
                pk=organization.pk, owner_asked_at__isnull=True
            ).update(owner_asked_at=now)
            if not claimed:
                continue  # another run asked first
            audit_record(
                actor=None,
                action="directory.ask_owner",
                obj=organization,
                summary=f"Asked the owner to confirm {organization.name}",
            )
            notify(
                recipients=[organization.owner],
                kind=Kind.DIRECTORY,
                text=_("Is the listing for %(name)s still correct? Please check it")
                % {"name": organization.name},
                url=reverse("directory:confirm", args=[organization.pk]),
            )
        asked += 1
    return asked
