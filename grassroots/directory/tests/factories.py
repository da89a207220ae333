"""Directory records for tests: approved listings unless told otherwise."""

from __future__ import annotations

import datetime

import factory

from grassroots.directory.models import (
    Contact,
    Language,
    ListingStatus,
    Location,
    Organization,
    OrganizationKind,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Marsh Community Trust {n}")
    description = "A charity helping people in the Marsh."
    email = "hello@marsh.example"
    url = "https://marsh.example/"
    kind = OrganizationKind.CHARITY
    listing_status = ListingStatus.APPROVED


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Food bank {n:04d}")
    description = "Emergency food parcels for people in crisis."
    who_for = "Anyone in the borough who cannot afford food."
    eligibility = "A referral from a GP, a school or Citizens Advice."
    cost = "Free"
    is_free = True
    how_to_access = "Ask for a voucher, then bring it to the hall."
    last_checked = datetime.date(2026, 3, 1)
    listing_status = ListingStatus.APPROVED


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = "St Mark's Hall"
    address_1 = "12 Church Lane"
    city = "Grassford"
    postcode = "GR3 1BN"
    latitude = 52.2
    longitude = -1.5
    accessibility = "Step-free entrance; hearing loop."


def full_service(**kwargs: object) -> Service:
    """An approved service with a location, a contact with a phone, hours and a language."""
    service: Service = ServiceFactory(**kwargs)
    ServiceAtLocation.objects.create(service=service, location=LocationFactory())
    contact = Contact.objects.create(service=service, name="Ann Persona", title="Coordinator")
    Phone.objects.create(contact=contact, number="01632 960123", description="Mornings")
    Schedule.objects.create(
        service=service,
        weekday=1,
        opens_at=datetime.time(10),
        closes_at=datetime.time(13, 30),
    )
    Schedule.objects.create(service=service, description="Closed on bank holidays.")
    Language.objects.create(service=service, name="English", code="en")
    Language.objects.create(service=service, name="Polish", code="pl")
    return service
