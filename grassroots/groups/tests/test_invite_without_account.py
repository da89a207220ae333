"""Organisers inviting an address no account has: the same answer as for one that has an
account, and the invitation waits for whoever signs up and confirms that address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.groups import services
from grassroots.groups.models import (
    Group,
    GroupEmailInvitation,
    GroupMembership,
    GroupMembershipStatus,
    Joining,
)
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


def _invite(group: Group, email: str) -> tuple[int, str, list[str]]:
    assert group.created_by is not None
    client = Client()
    client.force_login(group.created_by)
    response = client.post(f"/groups/{group.slug}/invite/", {"email": email})
    said = [str(m).replace(email, "EMAIL") for m in get_messages(response.wsgi_request)]
    return response.status_code, response.get("Location", ""), said


def test_it_answers_the_same_whether_or_not_the_address_has_an_account() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    UserFactory(email="known@example.org")
    known = _invite(group, "known@example.org")
    assert known == _invite(group, "unknown@example.org")
    assert known[0] == 302
    assert GroupEmailInvitation.objects.get(group=group).email == "unknown@example.org"
    assert not [m for m in mail.outbox if "unknown@example.org" in m.to]


def test_signing_up_with_the_address_brings_the_invitation_and_an_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    group = GroupFactory(joining=Joining.INVITE, name="Brook choir")
    _invite(group, "singer@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "singer@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", str(mail.outbox[-1].body))
    assert match
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(match.group(1))
    membership = GroupMembership.objects.get(group=group, user__email="singer@example.org")
    assert membership.status == GroupMembershipStatus.INVITED
    assert not GroupEmailInvitation.objects.exists()
    assert Notification.objects.filter(recipient=membership.user, kind=Kind.INVITATION).exists()
    assert [m.to for m in mail.outbox] == [["singer@example.org"]]
    assert "Brook choir" in mail.outbox[0].body


def test_the_cap_counts_invitations_to_addresses_too() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    for n in range(services.MAX_PENDING_INVITATIONS):  # (the service: no hourly look-up limit)
        services.invitation_create(group=group, actor=group.created_by, email=f"x{n}@example.org")
    UserFactory(email="known@example.org")
    assert group.created_by is not None
    for email in ("known@example.org", "unknown@example.org"):
        client = Client()
        client.force_login(group.created_by)
        body = client.post(f"/groups/{group.slug}/invite/", {"email": email}).content.decode()
        assert "invitations are already waiting for an answer" in body


def test_only_organisers_may_invite_an_address() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    client = Client()
    client.force_login(UserFactory())
    response = client.post(f"/groups/{group.slug}/invite/", {"email": "anyone@example.org"})
    assert response.status_code == 403  # a signed-in non-organiser is refused
    assert not GroupEmailInvitation.objects.exists()
