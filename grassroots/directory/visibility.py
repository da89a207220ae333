"""Who may see the directory: approved listings, to everybody.

An organisation is public when its listing is approved; a service when its own listing and its
organisation's are both approved; a location when a public service is offered there. Drafts,
suggestions and archived listings are public to nobody through these functions, whoever asks
(the editors' queue of suggestions will have its own rule in rules.py). The module offers the
forms every kind of thing has (see `core.visibility`), so the API, and the pages to come, ask
the same question.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.directory.models import ListingStatus, Location, Organization, Service

Listing = Organization | Service | Location


def public_organizations_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}listing_status": ListingStatus.APPROVED})


def public_services_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}listing_status": ListingStatus.APPROVED,
            f"{prefix}organization__listing_status": ListingStatus.APPROVED,
        }
    )


def visible_organizations(
    viewer: Viewer | None, queryset: QuerySet[Organization] | None = None
) -> QuerySet[Organization]:
    """The organisations `viewer` may see: the approved ones."""
    qs = queryset if queryset is not None else Organization.objects.all()
    return qs.filter(public_organizations_q())


def visible_services(
    viewer: Viewer | None, queryset: QuerySet[Service] | None = None
) -> QuerySet[Service]:
    """The services `viewer` may see: approved, from an approved organisation."""
    qs = queryset if queryset is not None else Service.objects.all()
    return qs.filter(public_services_q())


def visible_locations(
    viewer: Viewer | None, queryset: QuerySet[Location] | None = None
) -> QuerySet[Location]:
    """The locations `viewer` may see: those where a public service is offered."""
    qs = queryset if queryset is not None else Location.objects.all()
    services = visible_services(viewer).values("pk")
    return qs.filter(service_at_locations__service__in=services).distinct()


def can_view(viewer: Viewer | None, thing: Listing) -> bool:
    if isinstance(thing, Organization):
        return thing.listing_status == ListingStatus.APPROVED
    if isinstance(thing, Service):
        return (
            thing.listing_status == ListingStatus.APPROVED
            and thing.organization.listing_status == ListingStatus.APPROVED
        )
    return visible_locations(viewer, Location.objects.filter(pk=thing.pk)).exists()


def people_q(thing: Listing) -> Q:
    """Q on users: who may see `thing` (every active person when it is public, else nobody)."""
    return Q(is_active=True) if can_view(None, thing) else core.nothing()


def viewers_of(things: Iterable[Listing], user_ids: Iterable[int]) -> dict[uuid.UUID, set[int]]:
    """For each listing, which of `user_ids` may see it."""
    ids = list(user_ids)
    everyone = core.active_ids(ids)
    return {thing.pk: set(everyone) if can_view(None, thing) else set() for thing in things}


def viewers(thing: Listing, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([thing], user_ids)[thing.pk]
