"""Factories for initiatives. For state with rules (leads, stages) prefer the services."""

from __future__ import annotations

from typing import Any

import factory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Need,
    Theme,
)
from grassroots.places.tests.factories import WardFactory


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Community garden {n}")
    slug = factory.Sequence(lambda n: f"community-garden-{n}")
    problem = "The corner plot is full of rubbish."
    change_wanted = "A garden neighbours look after together."
    who_for = "Everyone on the estate."
    theme = Theme.GREEN_SPACES
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def wards(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """wards=[...] to choose; by default one new ward."""
        if not create:
            return
        for ward in extracted if extracted is not None else [WardFactory()]:
            self.wards.add(ward)

    @factory.post_generation
    def lead(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """The creator leads it, as after initiative_create."""
        if create:
            Membership.objects.create(
                initiative=self,
                user=self.created_by,
                role=MemberRole.LEAD,
                status=MembershipStatus.APPROVED,
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    initiative = factory.SubFactory(InitiativeFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.MEMBER
    status = MembershipStatus.APPROVED


class BackingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Backing

    initiative = factory.SubFactory(InitiativeFactory)
    user = factory.SubFactory(UserFactory)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    initiative = factory.SubFactory(InitiativeFactory)
    kind = "equipment"
    description = "Spades and gloves"
