"""The safeguarding rule for conversations: who may know a conversation exists."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from grassroots.accounts.tests.factories import UserFactory, make_officer
from grassroots.conversations.models import Conversation
from grassroots.conversations.services import conversation_access_grant
from grassroots.conversations.visibility import can_view, viewers, visible_conversations
from grassroots.groups.models import GroupMembership, GroupMembershipStatus
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def test_an_ordinary_conversation_is_visible_to_everybody() -> None:
    conversation = Conversation.objects.create(ward=WardFactory(), question="Where to meet?")
    stranger = UserFactory()
    assert can_view(stranger, conversation)
    assert list(visible_conversations(None)) == [conversation]


def test_a_safeguarded_group_conversation_is_for_those_let_in_not_everyone_who_joins() -> None:
    group = GroupFactory()
    starter = GroupMembershipFactory(group=group).user
    let_in = GroupMembershipFactory(group=group).user
    joined = GroupMembershipFactory(group=group).user  # an open group: anybody can join
    invited = GroupMembershipFactory(group=group, status=GroupMembershipStatus.INVITED).user
    let_in_then_left = GroupMembershipFactory(group=group).user
    stranger = UserFactory()
    conversation = Conversation.objects.create(
        group=group, question="Support circle", is_safeguarded=True, started_by=starter
    )
    for person in (let_in, let_in_then_left):
        conversation_access_grant(actor=group.created_by, conversation=conversation, user=person)
    GroupMembership.objects.filter(user=let_in_then_left).update(status=GroupMembershipStatus.LEFT)
    for insider in (group.created_by, starter, let_in):  # the organiser, starter, let in
        assert can_view(insider, conversation)
        assert list(visible_conversations(insider)) == [conversation]
    for outsider in (joined, invited, let_in_then_left, stranger):
        assert not can_view(outsider, conversation)
        assert not visible_conversations(outsider).exists()
    assert not visible_conversations(None).exists()
    everyone = [group.created_by.pk, starter.pk, let_in.pk, joined.pk, invited.pk]
    everyone += [let_in_then_left.pk, stranger.pk]
    assert viewers(conversation, everyone) == {group.created_by.pk, starter.pk, let_in.pk}


def test_a_role_holder_without_two_factor_sees_no_safeguarded_conversation() -> None:
    group = GroupFactory()
    officer = make_officer()
    GroupMembershipFactory(group=group, user=officer)
    conversation = Conversation.objects.create(
        group=group, question="Support circle", is_safeguarded=True
    )
    conversation_access_grant(actor=group.created_by, conversation=conversation, user=officer)
    assert not can_view(officer, conversation)
    assert viewers(conversation, [officer.pk]) == set()
    TOTP.activate(officer, generate_totp_secret())
    officer = type(officer).objects.get(pk=officer.pk)  # a new request: roles looked up again
    assert can_view(officer, conversation)
    assert viewers(conversation, [officer.pk]) == {officer.pk}


def test_a_conversation_of_a_safeguarded_initiative_follows_the_initiative() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=initiative).user
    stranger = UserFactory()
    # Even if a caller forgot the flag, the host decides.
    conversation = Conversation.objects.create(initiative=initiative, question="Next steps")
    assert can_view(member, conversation)
    assert not can_view(stranger, conversation)
    assert list(visible_conversations(stranger)) == []
    assert viewers(conversation, [member.pk, stranger.pk]) == {member.pk}


def test_an_inactive_member_sees_nothing_private() -> None:
    group = GroupFactory()
    membership = GroupMembershipFactory(group=group)
    membership.user.is_active = False
    membership.user.save(update_fields=["is_active"])
    conversation = Conversation.objects.create(group=group, question="Private", is_safeguarded=True)
    assert not can_view(membership.user, conversation)
    assert viewers(conversation, [membership.user.pk]) == set()


def test_a_safeguarded_conversation_of_a_public_initiative_is_for_its_insiders_only() -> None:
    initiative = InitiativeFactory()  # public: anyone may read about the initiative itself
    member = MembershipFactory(initiative=initiative).user
    lead = initiative.created_by
    stranger = UserFactory()
    moderator = UserFactory(is_moderator=True)
    conversation = Conversation.objects.create(
        initiative=initiative, question="Who needs a lift?", is_safeguarded=True
    )
    ordinary = Conversation.objects.create(initiative=initiative, question="Open day?")
    for insider in (member, lead):
        assert can_view(insider, conversation)
        assert set(visible_conversations(insider)) == {conversation, ordinary}
    for outsider in (stranger, moderator):
        assert not can_view(outsider, conversation)
        assert list(visible_conversations(outsider)) == [ordinary]
    assert list(visible_conversations(None)) == [ordinary]
    everyone = [member.pk, lead.pk, stranger.pk, moderator.pk]
    assert viewers(conversation, everyone) == {member.pk, lead.pk}
    assert viewers(ordinary, everyone) == set(everyone)
