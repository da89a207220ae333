"""Joining, leaving, stepping down and removing members; a group always keeps an organiser."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.services import account_delete
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.groups import selectors, services
from grassroots.groups.models import Group, GroupMembership, Joining
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.cast import make_group_member, make_group_organiser

pytestmark = pytest.mark.django_db


def _row(group: Group, user: User) -> GroupMembership:
    return GroupMembership.objects.get(group=group, user=user)


def test_anyone_signed_in_joins_an_open_group_at_once(client: Client) -> None:
    group = GroupFactory(joining=Joining.OPEN)
    resident = UserFactory(display_name="Priya")
    client.force_login(resident)
    response = client.post(f"/groups/{group.slug}/join/")
    assert response["Location"] == group.get_absolute_url()
    assert _row(group, resident).status == "active"
    body = client.get(group.get_absolute_url()).content.decode()
    assert "You have joined" in body
    assert "Leave this group" in body
    # The organisers hear about it.
    note = Notification.objects.get(recipient=group.created_by)
    assert note.kind == Kind.JOIN_REQUEST
    assert "Priya (resident) joined" in note.text


def test_a_member_leaves_and_may_join_again(client: Client) -> None:
    group = GroupFactory()
    member = make_group_member(group)
    client.force_login(member)
    client.post(f"/groups/{group.slug}/leave/")
    assert _row(group, member).status == "left"
    client.post(f"/groups/{group.slug}/join/")
    assert _row(group, member).status == "active"


def test_joining_twice_says_so() -> None:
    group = GroupFactory()
    member = make_group_member(group)
    with pytest.raises(ServiceError, match="already a member"):
        services.group_join(group=group, user=member)


def test_an_invite_only_group_cannot_be_joined_without_an_invitation() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    with pytest.raises(ServiceError, match="Only an organiser can invite you"):
        services.group_join(group=group, user=UserFactory())
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_a_removed_member_cannot_come_back_on_their_own_but_can_be_invited(
    client: Client,
) -> None:
    group = GroupFactory()
    member = make_group_member(group)
    client.force_login(group.created_by)
    client.post(f"/groups/{group.slug}/members/{_row(group, member).pk}/remove/")
    row = _row(group, member)
    assert row.status == "removed"
    assert Notification.objects.filter(recipient=member, text__contains="removed you").exists()
    with pytest.raises(ServiceError, match="removed you"):
        services.group_join(group=group, user=member)
    client.force_login(member)
    assert client.post(f"/groups/{group.slug}/join/").status_code == 403
    assert "Join this group" not in client.get(group.get_absolute_url()).content.decode()
    invitation = services.invitation_create(group=group, actor=group.created_by, email=member.email)
    assert invitation is not None
    services.invitation_accept(membership=invitation, user=member)
    assert _row(group, member).status == "active"


def test_the_only_organiser_cannot_leave_or_step_down(client: Client) -> None:
    group = GroupFactory()
    make_group_member(group)
    client.force_login(group.created_by)
    for tail in ("leave/", "step-down/"):
        response = client.post(f"/groups/{group.slug}/{tail}", follow=True)
        body = response.content.decode()
        assert "You are the group&#x27;s only organiser" in body
        assert "Make another member an organiser" in body
    row = _row(group, group.created_by)
    assert (row.role, row.status) == ("organiser", "active")
    assert not AuditEntry.objects.filter(action__in=["group.leave", "group.step_down"]).exists()


def test_with_another_organiser_an_organiser_may_step_down_then_leave(client: Client) -> None:
    group = GroupFactory()
    other = make_group_organiser(group)
    client.force_login(group.created_by)
    client.post(f"/groups/{group.slug}/step-down/")
    assert _row(group, group.created_by).role == "member"
    # Now `other` is the only organiser and cannot step down.
    with pytest.raises(ServiceError, match="only organiser"):
        services.organiser_step_down(group=group, user=other)
    client.post(f"/groups/{group.slug}/leave/")
    assert _row(group, group.created_by).status == "left"


def test_an_organiser_who_leaves_stops_being_an_organiser() -> None:
    group = GroupFactory()
    other = make_group_organiser(group)
    services.group_leave(group=group, user=other)
    row = _row(group, other)
    assert (row.role, row.status) == ("member", "left")
    services.group_join(group=group, user=other)
    assert _row(group, other).role == "member"


def test_making_a_member_an_organiser_tells_them(client: Client) -> None:
    group = GroupFactory()
    member = make_group_member(group)
    client.force_login(group.created_by)
    client.post(f"/groups/{group.slug}/members/{_row(group, member).pk}/make-organiser/")
    assert _row(group, member).role == "organiser"
    assert Notification.objects.filter(
        recipient=member, text__contains="You are now an organiser"
    ).exists()
    # Twice is explained, not an error page.
    response = client.post(
        f"/groups/{group.slug}/members/{_row(group, member).pk}/make-organiser/", follow=True
    )
    assert "is already an organiser" in response.content.decode()


def test_an_organiser_cannot_remove_themselves() -> None:
    group = GroupFactory()
    make_group_organiser(group)
    with pytest.raises(ServiceError, match="Leave the group instead"):
        services.member_remove(membership=_row(group, group.created_by), actor=group.created_by)


def test_an_organiser_may_remove_another_organiser() -> None:
    group = GroupFactory()
    other = make_group_organiser(group)
    services.member_remove(membership=_row(group, other), actor=group.created_by)
    assert (_row(group, other).role, _row(group, other).status) == ("member", "removed")


def test_removing_someone_not_in_the_group_is_404(client: Client) -> None:
    group = GroupFactory()
    member = make_group_member(group)
    services.group_leave(group=group, user=member)
    client.force_login(group.created_by)
    assert (
        client.post(f"/groups/{group.slug}/members/{_row(group, member).pk}/remove/").status_code
        == 404
    )
    # A member row of another group cannot be reached through this one.
    elsewhere = GroupFactory()
    row = _row(elsewhere, make_group_member(elsewhere))
    assert client.post(f"/groups/{group.slug}/members/{row.pk}/remove/").status_code == 404
    assert _row(elsewhere, row.user).status == "active"


def test_a_deleted_account_is_not_counted_and_does_not_organise(client: Client) -> None:
    group = GroupFactory()
    other = make_group_organiser(group, UserFactory(display_name="Gone Soon"))
    member = make_group_member(group)
    account_delete(user=other)
    page = client.get(group.get_absolute_url()).content.decode()
    assert '<dd class="govuk-summary-list__value" data-member-count>2</dd>' in page
    assert "Former member" not in page
    assert selectors.organiser_ids(group) == {group.created_by.pk}
    assert other.pk not in selectors.member_ids(group)
    # The creator is the only organiser who can act, so may not step down.
    with pytest.raises(ServiceError, match="only organiser"):
        services.organiser_step_down(group=group, user=group.created_by)
    assert member.pk in selectors.member_ids(group)
