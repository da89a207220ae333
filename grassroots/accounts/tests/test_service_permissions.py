"""The account services check their own rules: only the account's owner, signed in and
active, may change, erase or export it. Refused, they raise `PermissionDenied` and change
nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from grassroots.accounts import services
from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _deactivated() -> User:
    user: User = UserFactory(display_name="Sam")
    User.objects.filter(pk=user.pk).update(is_active=False)
    return User.objects.get(pk=user.pk)


def test_a_deactivated_account_cannot_change_its_profile_an_active_one_can() -> None:
    gone = _deactivated()
    with pytest.raises(PermissionDenied):
        services.profile_update(user=gone, display_name="Changed", postcode="", ward=None)
    assert User.objects.get(pk=gone.pk).display_name == "Sam"
    owner: User = UserFactory(display_name="Priya")
    services.profile_update(user=owner, display_name="Priya P", postcode="", ward=None)
    assert User.objects.get(pk=owner.pk).display_name == "Priya P"


def test_a_deactivated_account_cannot_be_erased_an_active_one_can() -> None:
    gone = _deactivated()
    with pytest.raises(PermissionDenied):
        services.account_delete(user=gone)
    assert User.objects.get(pk=gone.pk).anonymised_at is None
    assert not AuditEntry.objects.filter(action="account.deleted").exists()
    owner: User = UserFactory()
    services.account_delete(user=owner)
    assert User.objects.get(pk=owner.pk).anonymised_at is not None


def test_a_deactivated_account_gets_no_export_an_active_one_does() -> None:
    with pytest.raises(PermissionDenied):
        services.data_export(user=_deactivated())
    owner: User = UserFactory()
    assert services.data_export(user=owner)["account"]["email"] == owner.email
