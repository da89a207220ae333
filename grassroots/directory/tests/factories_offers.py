"""Offers of help and a small world for their tests: an initiative with a lead, a member and an
open need, an offerer with an open offer nearby, and another resident."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.directory.models_offers import Offer, OfferKind
from grassroots.initiatives.models import Initiative, MemberRole, Need, Visibility
from grassroots.initiatives.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.places.tests.factories import PostcodeFactory

HERE = (52.0, -1.0)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    owner = factory.SubFactory(UserFactory)
    kind = OfferKind.EQUIPMENT
    title = factory.Sequence(lambda n: f"Garden tools {n}")
    description = "Spades, forks and gloves to lend."
    tags = "spades, gloves"
    postcode = "GR1 1AA"
    latitude = HERE[0] + 0.005
    longitude = HERE[1] + 0.005
    area_name = "Riverside"
    travel_miles = 3


@dataclass
class OffersWorld:
    lead: User
    member: User
    offerer: User
    other: User
    initiative: Initiative
    need: Need
    offer: Offer


def offers_world(*, safeguarded: bool = False) -> OffersWorld:
    lead = UserFactory(display_name="Lena Lead", email="lena@example.org")
    initiative = InitiativeFactory(
        created_by=lead,
        title="Secret refuge garden" if safeguarded else "Marsh Lane garden",
        visibility=Visibility.SAFEGUARDED if safeguarded else Visibility.PUBLIC,
        latitude=None if safeguarded else HERE[0],
        longitude=None if safeguarded else HERE[1],
    )
    if safeguarded:
        ward = initiative.wards.get()
        ward.min_lat, ward.max_lat = HERE[0] - 0.01, HERE[0] + 0.01
        ward.min_lon, ward.max_lon = HERE[1] - 0.01, HERE[1] + 0.01
        ward.save()
    member = MembershipFactory(initiative=initiative, role=MemberRole.MEMBER).user
    need = NeedFactory(
        initiative=initiative, kind="equipment", description="Spades and gloves for the dig"
    )
    offerer = UserFactory(display_name="Omar Offerer", email="omar@example.org")
    offer = OfferFactory(owner=offerer, title="Garden tools to lend")
    other = UserFactory(display_name="Olive Other")
    PostcodeFactory(postcode="GR1 1AA", latitude=HERE[0], longitude=HERE[1])
    return OffersWorld(lead, member, offerer, other, initiative, need, offer)
