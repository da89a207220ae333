"""`core.invitations`: the policy every inviting app shares, and the steps that put it to work.

The steps are tried on the groups' tables (any app's would do) with a policy of this test's own,
so what is checked is core's counting, refusing, keeping and claiming, not a group's rules."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core import invitations
from grassroots.core.services import ServiceError
from grassroots.groups.models import (
    Group,
    GroupEmailInvitation,
    GroupMembership,
    GroupMembershipStatus,
)
from grassroots.groups.tests.factories import GroupFactory, GroupMembershipFactory

POLICY = invitations.Policy(
    cap=2,
    declined_recently="%(email)s said no; again from %(date)s",
    full="%(count)s waiting already",
)
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _invited(group: Group) -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(group=group, status=GroupMembershipStatus.INVITED)


INVITATIONS: invitations.Invitations[Group, GroupEmailInvitation] = invitations.Invitations(
    policy=POLICY, by_email=GroupEmailInvitation, to="group", invited=_invited
)


def _organiser(group: Group) -> User:
    assert group.created_by is not None
    return group.created_by


def _lapse(pending: GroupEmailInvitation) -> None:
    old = timezone.now() - invitations.EMAIL_INVITATION_KEEPS - datetime.timedelta(minutes=1)
    GroupEmailInvitation.objects.filter(pk=pending.pk).update(created_at=old)


def test_the_cap_refuses_only_once_it_is_reached() -> None:
    assert invitations.over_cap(POLICY, waiting=0) is None
    assert invitations.over_cap(POLICY, waiting=1) is None
    assert invitations.over_cap(POLICY, waiting=2) == "2 waiting already"
    assert invitations.over_cap(POLICY, waiting=3) == "2 waiting already"


def test_a_no_is_left_alone_for_thirty_days_and_names_the_day_it_ends() -> None:
    assert datetime.timedelta(days=30) == invitations.REINVITE_AFTER
    said = invitations.declined_too_recently
    assert said(POLICY, email="a@example.org", declined_at=None, now=NOW) is None
    assert (
        said(POLICY, email="a@example.org", declined_at=NOW - datetime.timedelta(days=30), now=NOW)
        is None
    )
    yesterday = NOW - datetime.timedelta(days=1)
    assert (
        said(POLICY, email="a@example.org", declined_at=yesterday, now=NOW)
        == "a@example.org said no; again from 30 March 2026"
    )
    assert invitations.invited_again_from(yesterday) == yesterday + datetime.timedelta(days=30)


def test_an_invitation_to_an_address_keeps_thirty_days() -> None:
    assert invitations.email_invitations_since(NOW) == NOW - datetime.timedelta(days=30)


def test_the_refusals_are_service_errors_in_the_apps_words() -> None:
    yesterday = NOW - datetime.timedelta(days=1)
    with pytest.raises(ServiceError, match="said no; again from 30 March 2026"):
        INVITATIONS.refuse_declined_recently(email="a@example.org", declined_at=yesterday, now=NOW)
    INVITATIONS.refuse_declined_recently(email="a@example.org", declined_at=None, now=NOW)
    assert str(invitations.already_invited("a@example.org")) == (
        "a@example.org has already been invited and has not answered yet"
    )


@pytest.mark.django_db
def test_the_cap_counts_accounts_and_addresses_alike_but_not_lapsed_ones() -> None:
    group = GroupFactory()
    GroupMembershipFactory(group=group, status=GroupMembershipStatus.INVITED)
    GroupMembershipFactory(group=group, status=GroupMembershipStatus.DECLINED)
    INVITATIONS.refuse_over_cap(group)  # one waiting of two
    pending = INVITATIONS.invite_address(
        group, actor=_organiser(group), email="x@example.org", message=""
    )
    with pytest.raises(ServiceError, match=r"^2 waiting already$"):
        INVITATIONS.refuse_over_cap(group)
    with pytest.raises(ServiceError, match=r"^2 waiting already$"):
        INVITATIONS.invite_address(
            group, actor=_organiser(group), email="y@example.org", message=""
        )
    _lapse(pending)
    INVITATIONS.refuse_over_cap(group)
    assert list(INVITATIONS.waiting_by_email(group)) == []
    # Another group's invitations count for that group only.
    INVITATIONS.refuse_over_cap(GroupFactory())


@pytest.mark.django_db
def test_an_address_is_kept_once_and_a_lapsed_invitation_makes_way() -> None:
    group = GroupFactory()
    organiser = _organiser(group)
    first = INVITATIONS.invite_address(
        group, actor=organiser, email="  Someone@Example.org ", message="Come along"
    )
    assert (first.group, first.email, first.invited_by, first.message) == (
        group,
        "someone@example.org",
        organiser,
        "Come along",
    )
    with pytest.raises(ServiceError, match=r"^someone@example\.org has already been invited"):
        INVITATIONS.invite_address(group, actor=organiser, email="SOMEONE@example.org", message="")
    _lapse(first)
    again = INVITATIONS.invite_address(
        group, actor=organiser, email="someone@example.org", message="Still welcome"
    )
    assert list(GroupEmailInvitation.objects.filter(group=group)) == [again]
    assert again.pk != first.pk


@pytest.mark.django_db
def test_confirming_an_address_claims_what_waits_for_it_and_clears_the_rest() -> None:
    user = UserFactory(email="new@example.org")
    taken, refused, not_allowed, lapsed = (GroupFactory() for _ in range(4))
    own = GroupFactory(created_by=user)  # they may invite to it, but not themself
    for group in (taken, refused, lapsed):
        INVITATIONS.invite_address(
            group, actor=_organiser(group), email="new@example.org", message=group.name
        )
    # Its inviter no longer organises that group; and one the user sent themself.
    GroupEmailInvitation.objects.create(
        group=not_allowed, email="new@example.org", invited_by=UserFactory()
    )
    GroupEmailInvitation.objects.create(group=own, email="new@example.org", invited_by=user)
    _lapse(GroupEmailInvitation.objects.get(group=lapsed))
    other = INVITATIONS.invite_address(
        taken, actor=_organiser(taken), email="other@example.org", message=""
    )
    tried: list[Group] = []

    def invite(pending: GroupEmailInvitation) -> str:
        tried.append(pending.group)
        assert pending.invited_by == _organiser(pending.group)
        if pending.group == refused:
            raise ServiceError("full")
        return pending.message

    claimed = INVITATIONS.claim(
        user=user, email=" NEW@example.org ", perm="groups.invite", invite=invite
    )
    assert claimed == [taken.name]
    assert sorted(g.pk for g in tried) == sorted([taken.pk, refused.pk])
    assert list(GroupEmailInvitation.objects.all()) == [other]
