"""Factories for groups. For state with rules (invitations, organisers) prefer the services."""

from __future__ import annotations

from typing import Any

import factory

from grassroots.accounts.tests.factories import UserFactory
from grassroots.groups.models import (
    Group,
    GroupMembership,
    GroupMembershipStatus,
    GroupRole,
    Joining,
)
from grassroots.places.tests.factories import CouncilFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Friends of the park {n}")
    slug = factory.Sequence(lambda n: f"friends-of-the-park-{n}")
    description = "Neighbours who look after the park together."
    joining = Joining.OPEN
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def organiser(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """The creator organises it, as after group_create."""
        if create and self.created_by is not None:
            GroupMembership.objects.create(
                group=self,
                user=self.created_by,
                role=GroupRole.ORGANISER,
                status=GroupMembershipStatus.ACTIVE,
            )


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = GroupRole.MEMBER
    status = GroupMembershipStatus.ACTIVE
