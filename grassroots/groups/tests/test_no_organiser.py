"""A group nobody can run: its only organiser deleted their account, so a site admin appoints one
of its members, on the group's page or in the admin site."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.services import account_delete
from grassroots.accounts.tests.factories import UserFactory, make_site_admin
from grassroots.core.models import AuditEntry
from grassroots.groups import selectors
from grassroots.groups.models import Group, GroupMembership, GroupRole
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import make_group_member, make_group_organiser
from grassroots.testing.people import with_totp

pytestmark = pytest.mark.django_db


def _orphaned() -> tuple[Group, Any]:
    """A group whose only organiser deleted their account, with one member left (Ben)."""
    group = GroupFactory(name="Brook choir")
    ben = make_group_member(group, UserFactory(display_name="Ben"))
    account_delete(user=group.created_by)
    return Group.objects.get(pk=group.pk), ben


def _row(group: Group, user: User) -> GroupMembership:
    return GroupMembership.objects.get(group=group, user=user)


def test_a_deleted_account_leaves_the_group_with_no_organiser() -> None:
    group, ben = _orphaned()
    assert selectors.organiser_ids(group) == set()
    assert list(selectors.groups_without_organiser()) == [group]
    assert not selectors.is_organiser(ben, group)


def test_the_page_tells_site_admins_and_offers_to_appoint(client: Client) -> None:
    group, ben = _orphaned()
    client.force_login(with_totp(make_site_admin()))
    body = client.get(group.get_absolute_url()).content.decode()
    assert "This group has no organiser" in body
    assert f"/groups/{group.slug}/members/{_row(group, ben).pk}/make-organiser/" in body
    # Site admins appoint; removing members stays with organisers.
    assert "/remove/" not in body


@pytest.mark.parametrize("who", ["member", "outsider", "anonymous"])
def test_others_are_not_told_nor_offered(client: Client, who: str) -> None:
    group, ben = _orphaned()
    if who == "member":
        client.force_login(ben)
    elif who == "outsider":
        client.force_login(UserFactory())
    body = client.get(group.get_absolute_url()).content.decode()
    assert "This group has no organiser" not in body
    assert "/make-organiser/" not in body


def test_a_group_with_an_organiser_shows_no_warning_to_site_admins(client: Client) -> None:
    group = GroupFactory()
    make_group_member(group)
    client.force_login(with_totp(make_site_admin()))
    body = client.get(group.get_absolute_url()).content.decode()
    assert "This group has no organiser" not in body
    assert "Make organiser" in body  # site admins may still appoint


def test_a_site_admin_confirms_then_appoints(client: Client) -> None:
    group, ben = _orphaned()
    admin = with_totp(make_site_admin())
    client.force_login(admin)
    url = f"/groups/{group.slug}/members/{_row(group, ben).pk}/make-organiser/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Make Ben an organiser of Brook choir?" in page.content.decode()
    assert _row(group, ben).role == GroupRole.MEMBER  # asking changes nothing
    response = client.post(url, follow=True)
    assert "Ben is now an organiser" in response.content.decode()
    assert _row(group, ben).role == GroupRole.ORGANISER
    entry = AuditEntry.objects.get(action="group.make_organiser")
    assert entry.actor_id == admin.pk
    assert entry.data == {"user": ben.pk, "as": "site admin"}
    assert list(selectors.groups_without_organiser()) == []
    # Ben runs the group now.
    assert ben.has_perm("groups.manage_members", Group.objects.get(pk=group.pk))


def test_an_organiser_appoints_another_through_the_same_page(client: Client) -> None:
    group = GroupFactory()
    ben = make_group_member(group, UserFactory(display_name="Ben"))
    client.force_login(group.created_by)
    url = f"/groups/{group.slug}/members/{_row(group, ben).pk}/make-organiser/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert _row(group, ben).role == GroupRole.ORGANISER
    assert AuditEntry.objects.get(action="group.make_organiser").data["as"] == "organiser"


@pytest.mark.parametrize(
    "who", ["member", "outsider", "anonymous", "site admin without two-factor sign-in"]
)
def test_who_may_not_appoint(client: Client, who: str) -> None:
    group, ben = _orphaned()
    other = make_group_member(group)
    if who == "member":
        client.force_login(other)
    elif who == "outsider":
        client.force_login(UserFactory())
    elif who != "anonymous":
        client.force_login(make_site_admin())
    url = f"/groups/{group.slug}/members/{_row(group, ben).pk}/make-organiser/"
    for response in (client.get(url), client.post(url)):
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        elif who.startswith("site admin"):
            # Sent to set up two-factor sign-in first; until then they are no site admin.
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/2fa/")
        else:
            assert response.status_code == 403
    assert _row(group, ben).role == GroupRole.MEMBER
    assert not AuditEntry.objects.filter(action="group.make_organiser").exists()


def test_the_rule_itself() -> None:
    group, ben = _orphaned()
    co = GroupFactory()
    co_organiser = make_group_organiser(co)
    assert with_totp(make_site_admin()).has_perm("groups.make_organiser", group)
    assert co_organiser.has_perm("groups.make_organiser", co)
    assert co.created_by.has_perm("groups.make_organiser", co)
    assert not ben.has_perm("groups.make_organiser", group)
    assert not UserFactory().has_perm("groups.make_organiser", group)
    assert not AnonymousUser().has_perm("groups.make_organiser", group)
    assert not co_organiser.has_perm("groups.make_organiser", group)


def test_a_deleted_account_cannot_be_appointed(client: Client) -> None:
    group = GroupFactory()
    gone = make_group_member(group)
    account_delete(user=gone)
    client.force_login(with_totp(make_site_admin()))
    url = f"/groups/{group.slug}/members/{_row(group, gone).pk}/make-organiser/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _row(group, gone).role == GroupRole.MEMBER


# --- The admin site -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client, mfa_totp: Any) -> Client:
    admin = make_site_admin()
    mfa_totp(admin)
    client.force_login(admin)
    return client


def test_the_admin_finds_groups_nobody_can_run(admin_client: Client) -> None:
    group, _ben = _orphaned()
    GroupFactory(name="Riverside rowers")
    body = admin_client.get("/admin/groups/group/?organiser=none").content.decode()
    assert "Brook choir" in body
    assert "Riverside rowers" not in body
    change = admin_client.get(f"/admin/groups/group/{group.pk}/change/").content.decode()
    assert "/make-organiser/" in change


def test_the_admin_action_appoints_and_is_audited(admin_client: Client) -> None:
    group, ben = _orphaned()
    row = _row(group, ben)
    listing = admin_client.get(f"/admin/groups/groupmembership/?q={group.slug}")
    assert listing.status_code == 200
    assert "Make the chosen members organisers" in listing.content.decode()
    response = admin_client.post(
        "/admin/groups/groupmembership/",
        {"action": "make_organisers", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 member(s) made organisers" in response.content.decode()
    assert _row(group, ben).role == GroupRole.ORGANISER
    assert AuditEntry.objects.filter(action="group.make_organiser").count() == 1


def test_the_admin_action_says_why_a_row_was_not_changed(admin_client: Client) -> None:
    group = GroupFactory(name="Brook choir")
    row = _row(group, group.created_by)  # already an organiser
    response = admin_client.post(
        "/admin/groups/groupmembership/",
        {"action": "make_organisers", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "already an organiser" in response.content.decode()
    assert not AuditEntry.objects.filter(action="group.make_organiser").exists()


def test_the_admin_action_is_not_for_staff_without_two_factor_sign_in(client: Client) -> None:
    group, ben = _orphaned()
    client.force_login(make_site_admin())
    client.post(
        "/admin/groups/groupmembership/",
        {"action": "make_organisers", "_selected_action": [_row(group, ben).pk]},
    )
    assert _row(group, ben).role == GroupRole.MEMBER
