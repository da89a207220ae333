"""The services that change a person's own notifications check their rules themselves.

Called directly as somebody the rule leaves out, each raises `PermissionDenied` and changes
nothing; the person whose notifications or settings they are still can.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.notifications import services
from grassroots.notifications.models import Delivery, Kind, Notification, Preference

pytestmark = pytest.mark.django_db


def _notification(user: User) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Kind.STAGE_CHANGE, text="Something happened", url="/initiatives/"
    )


def _deactivated() -> User:
    user: User = UserFactory()
    User.objects.filter(pk=user.pk).update(is_active=False)
    return User.objects.get(pk=user.pk)


def test_only_the_recipient_marks_a_notification_read() -> None:
    owner, other = UserFactory(), UserFactory()
    notification = _notification(owner)
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(user=other, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert services.notification_mark_read(user=owner, notification=notification)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_deactivated_account_cannot_mark_its_inbox_read() -> None:
    gone = _deactivated()
    notification = _notification(gone)
    with pytest.raises(PermissionDenied):
        services.notification_mark_all_read(user=gone)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not AuditEntry.objects.filter(action="notifications.mark_all_read").exists()
    owner = UserFactory()
    mine = _notification(owner)
    assert services.notification_mark_all_read(user=owner) == 1
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_deactivated_account_cannot_change_its_email_settings() -> None:
    gone = _deactivated()
    with pytest.raises(PermissionDenied):
        services.preferences_save(user=gone, deliveries={Kind.FOLLOWING: Delivery.OFF})
    assert not Preference.objects.exists()
    assert not AuditEntry.objects.filter(action="notifications.preferences_save").exists()
    owner = UserFactory()
    services.preferences_save(user=owner, deliveries={Kind.FOLLOWING: Delivery.OFF})
    assert Preference.objects.get(user=owner, kind=Kind.FOLLOWING).delivery == Delivery.OFF
