"""The services of following check their own rules, whoever calls them.

A deleted account may neither follow nor unfollow (`PermissionDenied`, nothing changes);
somebody signed in still can.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.accounts.models import User
from grassroots.accounts.services import account_delete
from grassroots.core.models import AuditEntry
from grassroots.following.models import Follow
from grassroots.following.services import follow_drop, follow_start, follow_stop
from grassroots.testing.worlds import Town


def _deleted(user: User) -> User:
    account_delete(user=user)
    return User.objects.get(pk=user.pk)


def test_a_deleted_account_cannot_follow_somebody_signed_in_can(world: Town) -> None:
    gone = _deleted(world.person("group_member"))
    with pytest.raises(PermissionDenied):
        follow_start(user=gone, target=world.ward)
    assert not Follow.objects.exists()
    assert not AuditEntry.objects.filter(action="following.start").exists()
    follow_start(user=world.person("resident"), target=world.ward)
    assert Follow.objects.filter(user=world.person("resident"), ward=world.ward).exists()


def test_a_deleted_account_cannot_unfollow_its_owner_could(world: Town) -> None:
    follow_start(user=world.person("resident"), target=world.ward)
    follow_start(user=world.person("resident"), target=world.group)
    # Deactivated some other way than erasure, so the follows are still there.
    User.objects.filter(pk=world.person("resident").pk).update(is_active=False)
    gone = User.objects.get(pk=world.person("resident").pk)
    with pytest.raises(PermissionDenied):
        follow_stop(user=gone, target=world.ward)
    with pytest.raises(PermissionDenied):
        follow_drop(user=gone, kind="group", pk=world.group.pk)
    assert Follow.objects.filter(user=gone).count() == 2
    assert not AuditEntry.objects.filter(action="following.stop").exists()
    User.objects.filter(pk=gone.pk).update(is_active=True)
    back = User.objects.get(pk=gone.pk)
    assert follow_stop(user=back, target=world.ward)
    assert follow_drop(user=back, kind="group", pk=world.group.pk)
    assert not Follow.objects.filter(user=back).exists()
