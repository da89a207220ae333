"""The services of groups check their own rules, whoever calls them (a page, the API, a task).

Each case calls a service directly as somebody the rule leaves out: it raises
`PermissionDenied` and changes nothing (no row, no audit entry); the person the rule lets in
still can.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.accounts.models import User
from grassroots.accounts.services import account_delete
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.groups import services
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import make_group_member, make_group_organiser, organiser_of

pytestmark = pytest.mark.django_db


def _fresh(group: Group) -> Group:
    return Group.objects.get(pk=group.pk)


def _row(group: Group, user: User) -> GroupMembership:
    return GroupMembership.objects.get(group=group, user=user)


def _deleted() -> User:
    user: User = UserFactory()
    account_delete(user=user)
    return User.objects.get(pk=user.pk)


def test_a_deleted_account_cannot_start_a_group_a_resident_can() -> None:
    council = GroupFactory().council
    before = (Group.objects.count(), AuditEntry.objects.filter(action="group.create").count())
    with pytest.raises(PermissionDenied):
        services.group_create(creator=_deleted(), council=council, name="Ghosts", description="")
    assert (Group.objects.count(), AuditEntry.objects.filter(action="group.create").count()) == (
        before
    )
    group = services.group_create(
        creator=UserFactory(), council=council, name="Litter pickers", description=""
    )
    assert group.pk is not None


def test_only_an_organiser_edits_the_group() -> None:
    group = GroupFactory(name="Brook choir")
    member = make_group_member(group)
    with pytest.raises(PermissionDenied):
        services.group_update(
            group=_fresh(group),
            actor=member,
            name="Taken over",
            description="",
            joining=group.joining,
            wards=[],
        )
    assert _fresh(group).name == "Brook choir"
    assert not AuditEntry.objects.filter(action="group.update").exists()
    services.group_update(
        group=_fresh(group),
        actor=organiser_of(group),
        name="Brook singers",
        description="",
        joining=group.joining,
        wards=[],
    )
    assert _fresh(group).name == "Brook singers"


def test_a_deleted_account_cannot_join_a_resident_can() -> None:
    group = GroupFactory()
    gone = _deleted()
    with pytest.raises(PermissionDenied):
        services.group_join(group=_fresh(group), user=gone)
    assert not GroupMembership.objects.filter(group=group, user=gone).exists()
    resident = UserFactory()
    services.group_join(group=_fresh(group), user=resident)
    assert _row(group, resident).status == GroupMembershipStatus.ACTIVE


def test_somebody_outside_the_group_cannot_leave_it_a_member_can() -> None:
    group = GroupFactory()
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.group_leave(group=_fresh(group), user=outsider)
    assert not AuditEntry.objects.filter(action="group.leave").exists()
    member = make_group_member(group)
    services.group_leave(group=_fresh(group), user=member)
    assert _row(group, member).status == GroupMembershipStatus.LEFT


def test_only_an_organiser_removes_a_member() -> None:
    group = GroupFactory()
    member, other = make_group_member(group), make_group_member(group)
    with pytest.raises(PermissionDenied):
        services.member_remove(membership=_row(group, other), actor=member)
    assert _row(group, other).status == GroupMembershipStatus.ACTIVE
    assert not AuditEntry.objects.filter(action="group.member_remove").exists()
    services.member_remove(membership=_row(group, other), actor=organiser_of(group))
    assert _row(group, other).status == GroupMembershipStatus.REMOVED


def test_only_an_organiser_makes_another_organiser() -> None:
    group = GroupFactory()
    member, other = make_group_member(group), make_group_member(group)
    with pytest.raises(PermissionDenied):
        services.member_make_organiser(membership=_row(group, other), actor=member)
    assert _row(group, other).role == GroupRole.MEMBER
    assert not AuditEntry.objects.filter(action="group.make_organiser").exists()
    services.member_make_organiser(membership=_row(group, other), actor=organiser_of(group))
    assert _row(group, other).role == GroupRole.ORGANISER


def test_a_member_who_does_not_organise_cannot_step_down_an_organiser_can() -> None:
    group = GroupFactory()
    member = make_group_member(group)
    with pytest.raises(PermissionDenied):
        services.organiser_step_down(group=_fresh(group), user=member)
    assert not AuditEntry.objects.filter(action="group.step_down").exists()
    other = make_group_organiser(group)
    services.organiser_step_down(group=_fresh(group), user=other)
    assert _row(group, other).role == GroupRole.MEMBER


def test_only_an_organiser_archives_and_unarchives() -> None:
    group = GroupFactory()
    member = make_group_member(group)
    with pytest.raises(PermissionDenied):
        services.group_archive(group=_fresh(group), actor=member)
    assert _fresh(group).archived_at is None
    services.group_archive(group=_fresh(group), actor=organiser_of(group))
    assert _fresh(group).archived_at is not None
    with pytest.raises(PermissionDenied):
        services.group_unarchive(group=_fresh(group), actor=member)
    assert _fresh(group).archived_at is not None
    assert not AuditEntry.objects.filter(action="group.unarchive").exists()
    services.group_unarchive(group=_fresh(group), actor=organiser_of(group))
    assert _fresh(group).archived_at is None
