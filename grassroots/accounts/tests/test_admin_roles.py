"""Roles are granted by site admins in the Django admin, and every grant is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.tests.factories import (
    DepartmentFactory,
    UserFactory,
    make_moderator,
    make_site_admin,
)
from grassroots.core.models import AuditEntry
from grassroots.places.models import CouncillorTerm
from grassroots.places.tests.factories import CouncillorFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, mfa_totp: Callable[[User], str]) -> Client:
    admin = make_site_admin()
    mfa_totp(admin)
    client.force_login(admin)
    client.admin_user = admin  # type: ignore[attr-defined]
    return client


def _user_form(user: User, **changes: str) -> dict[str, str]:
    """What the admin's change form for `user` posts, with `changes` applied."""
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "postcode": user.postcode,
        "ward": "",
        "is_active": "on",
        "officer_posts-TOTAL_FORMS": "0",
        "officer_posts-INITIAL_FORMS": "0",
        "officer_posts-MIN_NUM_FORMS": "0",
        "officer_posts-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_making_somebody_a_moderator_is_audited(admin_client: Client) -> None:
    resident = UserFactory()

    response = admin_client.post(
        f"/admin/accounts/user/{resident.pk}/change/", _user_form(resident, is_moderator="on")
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    resident.refresh_from_db()
    assert resident.is_moderator
    entry = AuditEntry.objects.get(action="role.user_flags_changed")
    assert entry.actor == admin_client.admin_user  # type: ignore[attr-defined]
    assert entry.object_id == str(resident.pk)
    assert entry.data == {"is_moderator": True}


def test_making_somebody_an_editor_in_the_admin_is_audited(admin_client: Client) -> None:
    resident = UserFactory()

    response = admin_client.post(
        f"/admin/accounts/user/{resident.pk}/change/", _user_form(resident, is_editor="on")
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    resident.refresh_from_db()
    assert resident.is_editor
    entry = AuditEntry.objects.get(action="role.user_flags_changed")
    assert entry.data == {"is_editor": True}


def test_saving_without_changing_roles_writes_no_audit_entry(admin_client: Client) -> None:
    moderator = make_moderator()
    admin_client.post(
        f"/admin/accounts/user/{moderator.pk}/change/",
        _user_form(moderator, is_moderator="on", display_name="New name"),
    )
    assert not AuditEntry.objects.filter(action__startswith="role.").exists()


def test_giving_somebody_an_officer_post_is_audited(admin_client: Client) -> None:
    resident = UserFactory()
    department = DepartmentFactory(name="Highways")

    response = admin_client.post(
        f"/admin/accounts/user/{resident.pk}/change/",
        _user_form(
            resident,
            **{
                "officer_posts-TOTAL_FORMS": "1",
                "officer_posts-0-user": str(resident.pk),
                "officer_posts-0-department": str(department.pk),
                "officer_posts-0-job_title": "Traffic engineer",
                "officer_posts-0-starts_on": "2025-04-01",
                "officer_posts-0-ends_on": "",
            },
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    post = OfficerPost.objects.get(user=resident)
    entry = AuditEntry.objects.get(action="role.officer_post_saved")
    assert entry.object_id == str(post.pk)
    assert "Highways" in entry.summary
    assert entry.actor == admin_client.admin_user  # type: ignore[attr-defined]


def test_linking_a_councillor_and_adding_a_term_is_audited(admin_client: Client) -> None:
    resident = UserFactory()
    councillor = CouncillorFactory(name="Alex Green")
    ward = WardFactory()

    response = admin_client.post(
        f"/admin/places/councillor/{councillor.pk}/change/",
        {
            "name": councillor.name,
            "slug": councillor.slug,
            "party": councillor.party,
            "email": councillor.email,
            "user": str(resident.pk),
            "terms-TOTAL_FORMS": "1",
            "terms-INITIAL_FORMS": "0",
            "terms-MIN_NUM_FORMS": "0",
            "terms-MAX_NUM_FORMS": "1000",
            "terms-0-councillor": str(councillor.pk),
            "terms-0-ward": str(ward.pk),
            "terms-0-starts_on": "2024-05-02",
            "terms-0-ends_on": "",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    term = CouncillorTerm.objects.get(councillor=councillor)
    assert AuditEntry.objects.filter(
        action="role.councillor_account_linked", object_id=str(councillor.pk)
    ).exists()
    assert AuditEntry.objects.filter(
        action="role.councillor_term_saved", object_id=str(term.pk)
    ).exists()


def test_people_who_are_not_staff_cannot_reach_the_admin(client: Client) -> None:
    anonymous = client.get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith("/accounts/login/")

    client.force_login(make_moderator())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 302
