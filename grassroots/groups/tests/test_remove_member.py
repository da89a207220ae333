"""Removing a member asks first: the GET is a confirmation page, only the POST removes."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory, make_site_admin
from grassroots.core.models import AuditEntry
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus
from grassroots.groups.tests.factories import GroupFactory
from grassroots.testing.cast import make_group_member, make_group_organiser, organiser_of
from grassroots.testing.people import with_totp

pytestmark = pytest.mark.django_db


def _setup() -> tuple[Group, GroupMembership, str]:
    group = GroupFactory(name="Brook choir")
    ben = make_group_member(group, UserFactory(display_name="Ben Jones"))
    row = GroupMembership.objects.get(group=group, user=ben)
    return group, row, f"/groups/{group.slug}/members/{row.pk}/remove/"


def _status(row: GroupMembership) -> str:
    row.refresh_from_db()
    return row.status


def test_the_group_page_links_to_the_confirmation_page(client: Client) -> None:
    group, _row, url = _setup()
    client.force_login(organiser_of(group))
    body = client.get(group.get_absolute_url()).content.decode()
    assert f'href="{url}"' in body


def test_get_asks_and_changes_nothing(client: Client) -> None:
    group, row, url = _setup()
    client.force_login(organiser_of(group))
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Are you sure you want to remove Ben Jones from Brook choir?" in body
    assert '<form method="post"' in body
    assert "Yes, remove Ben Jones" in body
    assert f'href="{group.get_absolute_url()}#members"' in body  # cancel goes back
    assert _status(row) == GroupMembershipStatus.ACTIVE
    assert not AuditEntry.objects.filter(action="group.member_remove").exists()


def test_post_by_an_organiser_removes(client: Client) -> None:
    group, row, url = _setup()
    co = make_group_organiser(group)
    client.force_login(co)
    response = client.post(url, follow=True)
    assert "Ben Jones is no longer a member" in response.content.decode()
    assert _status(row) == GroupMembershipStatus.REMOVED
    assert AuditEntry.objects.filter(action="group.member_remove", actor=co).exists()


@pytest.mark.parametrize("who", ["member", "outsider", "site admin"])
def test_others_cannot_remove_nor_see_the_page(client: Client, who: str) -> None:
    group, row, url = _setup()
    if who == "member":
        user = make_group_member(group)
    elif who == "outsider":
        user = UserFactory()
    else:
        user = with_totp(make_site_admin())
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert _status(row) == GroupMembershipStatus.ACTIVE


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    _group, row, url = _setup()
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert _status(row) == GroupMembershipStatus.ACTIVE


def test_somebody_no_longer_a_member_is_a_404(client: Client) -> None:
    group, _row, url = _setup()
    client.force_login(organiser_of(group))
    assert client.post(url).status_code == 302
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert AuditEntry.objects.filter(action="group.member_remove").count() == 1
