"""A small world for following tests: one of each followable thing, public and safeguarded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation, ConversationAccess
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory


@dataclass
class World:
    ward: Ward
    initiative: Initiative
    safeguarded: Initiative
    group: Group
    conversation: Conversation
    group_conversation: Conversation
    private_conversation: Conversation
    initiative_member: Any
    group_member: Any
    resident: Any

    def target(self, name: str) -> Model:
        value: Model = getattr(self, name)
        return value


@pytest.fixture
def world(db: None) -> World:
    ward = WardFactory(name="Riverside")
    initiative = InitiativeFactory(title="Riverside garden", wards=[ward])
    safeguarded = InitiativeFactory(
        title="Quiet support circle", visibility=Visibility.SAFEGUARDED, wards=[ward]
    )
    initiative_member = MembershipFactory(initiative=safeguarded).user
    group = GroupFactory(name="Friends of Riverside park", council=ward.council)
    group_member = GroupMembershipFactory(group=group).user
    private_conversation = ConversationFactory(
        ward=None, group=group, is_safeguarded=True, question="Who needs a lift to the clinic?"
    )
    # Joining the group is not enough for a safeguarded conversation: the member is let in.
    ConversationAccess.objects.create(conversation=private_conversation, user=group_member)
    return World(
        ward=ward,
        initiative=initiative,
        safeguarded=safeguarded,
        group=group,
        conversation=ConversationFactory(ward=ward, question="Where should the bench go?"),
        group_conversation=ConversationFactory(
            ward=None, group=group, question="What shall we plant?"
        ),
        private_conversation=private_conversation,
        initiative_member=initiative_member,
        group_member=group_member,
        resident=UserFactory(),
    )
