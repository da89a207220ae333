"""Site admins look groups up and correct them in the admin site, through the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory, make_site_admin
from grassroots.core.models import AuditEntry
from grassroots.groups.models import Group
from grassroots.groups.tests.factories import GroupFactory
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import make_group_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, mfa_totp: Any) -> Client:
    admin = make_site_admin()
    mfa_totp(admin)
    client.force_login(admin)
    return client


def test_site_admins_find_a_group_and_see_its_members(admin_client: Client) -> None:
    group = GroupFactory(name="Brook choir")
    make_group_member(group, UserFactory(display_name="Ben"))
    assert "Brook choir" in admin_client.get("/admin/groups/group/?q=brook").content.decode()
    page = admin_client.get(f"/admin/groups/group/{group.pk}/change/")
    assert page.status_code == 200
    assert "Ben" in page.content.decode()


def test_a_change_in_the_admin_is_audited_and_keeps_the_slug(admin_client: Client) -> None:
    ward = WardFactory()
    group = GroupFactory(name="Brook choir", council=ward.council, slug="brook-choir")
    response = admin_client.post(
        f"/admin/groups/group/{group.pk}/change/",
        {
            "name": "Brook Street choir",
            "description": "We sing.",
            "joining": "invite",
            "wards": [ward.pk],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    group.refresh_from_db()
    assert (group.name, group.slug, group.joining) == (
        "Brook Street choir",
        "brook-choir",
        "invite",
    )
    assert list(group.wards.all()) == [ward]
    entry = AuditEntry.objects.get(action="group.update")
    assert entry.actor is not None
    assert entry.actor.is_superuser


def test_groups_are_not_added_or_deleted_in_the_admin(admin_client: Client) -> None:
    group = GroupFactory()
    assert admin_client.get("/admin/groups/group/add/").status_code == 403
    assert admin_client.post(f"/admin/groups/group/{group.pk}/delete/").status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def test_residents_cannot_use_the_admin(client: Client) -> None:
    group = GroupFactory()
    client.force_login(group.created_by)
    response = client.get(f"/admin/groups/group/{group.pk}/change/")
    assert response.status_code == 302
