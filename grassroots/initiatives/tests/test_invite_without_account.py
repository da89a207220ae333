"""Inviting an address no account has: the lead gets the same answer as for one that has an
account (the form is no oracle of who is signed up), the invitation waits, and whoever signs
up and confirms that address finds it and is told by email."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import (
    Initiative,
    InitiativeEmailInvitation,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.initiatives.services import invitations
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.initiatives.visibility import can_view
from grassroots.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


def _lead_client(initiative: Initiative) -> Client:
    client = Client()
    client.force_login(initiative.created_by)
    return client


def _invite(client: Client, initiative: Initiative, email: str) -> tuple[int, str, list[str]]:
    response = client.post(f"/initiatives/{initiative.slug}/invite/", {"email": email})
    said = [str(m).replace(email, "EMAIL") for m in get_messages(response.wsgi_request)]
    return response.status_code, response.get("Location", ""), said


def _sign_up_and_confirm(email: str, captured: Any) -> Client:
    client = Client()
    with captured(execute=True):
        client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", str(mail.outbox[-1].body))
    assert match
    with captured(execute=True):
        assert client.post(match.group(1)).status_code == 302
    return client


def test_it_answers_the_same_whether_or_not_the_address_has_an_account() -> None:
    initiative = InitiativeFactory()
    UserFactory(email="known@example.org")
    known = _invite(_lead_client(initiative), initiative, "known@example.org")
    unknown = _invite(_lead_client(initiative), initiative, "unknown@example.org")
    assert known == unknown
    assert known[0] == 302
    assert known[2] == [
        "We have invited EMAIL. If they do not have an account yet, the invitation will be "
        "waiting when they create one with that email address"
    ]
    pending = InitiativeEmailInvitation.objects.get(initiative=initiative)
    assert pending.email == "unknown@example.org"
    # Nothing is sent to an address nobody has confirmed.
    assert not [m for m in mail.outbox if "unknown@example.org" in m.to]


def test_a_deactivated_account_gets_the_same_answer_too() -> None:
    initiative = InitiativeFactory()
    UserFactory(email="gone@example.org", is_active=False)
    assert _invite(_lead_client(initiative), initiative, "gone@example.org") == _invite(
        _lead_client(initiative), initiative, "never@example.org"
    )


def test_signing_up_with_the_address_turns_it_into_an_invitation_and_says_so_by_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(title="Brook garden", visibility=Visibility.SAFEGUARDED)
    _invite(_lead_client(initiative), initiative, "Newcomer@Example.org")
    mail.outbox.clear()

    client = _sign_up_and_confirm("newcomer@example.org", django_capture_on_commit_callbacks)

    membership = Membership.objects.get(initiative=initiative, user__email="newcomer@example.org")
    assert membership.status == MembershipStatus.INVITED
    assert membership.invited_by == initiative.created_by
    assert not InitiativeEmailInvitation.objects.exists()
    assert Notification.objects.filter(recipient=membership.user, kind=Kind.INVITATION).exists()
    told = [
        m.subject
        for m in mail.outbox
        if m.to == ["newcomer@example.org"] and "Confirm your email" not in m.subject
    ]
    # Safeguarded: the email names nothing (notifications/discreet.py).
    assert told == ["[Grassroots] News in a private group you are part of"]
    # A safeguarded initiative: the invitee may now see it to decide.
    assert can_view(membership.user, initiative)
    assert client.get(initiative.get_absolute_url()).status_code == 200


def test_signing_up_with_another_address_claims_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    _invite(_lead_client(initiative), initiative, "meant@example.org")
    _sign_up_and_confirm("someone-else@example.org", django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user__email="someone-else@example.org").exists()
    assert InitiativeEmailInvitation.objects.count() == 1


def test_an_invitation_older_than_thirty_days_has_lapsed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory()
    _invite(_lead_client(initiative), initiative, "late@example.org")
    InitiativeEmailInvitation.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    _sign_up_and_confirm("late@example.org", django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def test_the_cap_counts_both_kinds_of_invitation_alike() -> None:
    initiative = InitiativeFactory()
    client = _lead_client(initiative)
    for n in range(invitations.MAX_PENDING_INVITATIONS):
        assert _invite(client, initiative, f"nobody{n}@example.org")[0] == 302
    UserFactory(email="known@example.org")
    for email in ("known@example.org", "unknown@example.org"):
        response = client.post(f"/initiatives/{initiative.slug}/invite/", {"email": email})
        assert "invitations are already waiting for an answer" in response.content.decode()
    assert not Membership.objects.filter(user__email="known@example.org").exists()


def test_inviting_the_same_address_twice_is_explained() -> None:
    initiative = InitiativeFactory()
    client = _lead_client(initiative)
    _invite(client, initiative, "twice@example.org")
    response = client.post(
        f"/initiatives/{initiative.slug}/invite/", {"email": "twice@example.org"}
    )
    assert "has already been invited and has not answered yet" in response.content.decode()
    assert InitiativeEmailInvitation.objects.count() == 1


def test_only_leads_may_invite_by_address() -> None:
    initiative = InitiativeFactory()
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        f"/initiatives/{initiative.slug}/invite/", {"email": "anyone@example.org"}
    )
    assert response.status_code == 403
    assert not InitiativeEmailInvitation.objects.exists()
    with pytest.raises(PermissionDenied):
        invitations.invitation_by_email(
            initiative=initiative, actor=UserFactory(), email="anyone@example.org"
        )


def test_a_lead_who_stepped_down_meanwhile_invites_nobody(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory()
    _invite(_lead_client(initiative), initiative, "after@example.org")
    Membership.objects.filter(initiative=initiative, user=initiative.created_by).update(
        role=MemberRole.MEMBER
    )
    _sign_up_and_confirm("after@example.org", django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user__email="after@example.org").exists()
    assert not InitiativeEmailInvitation.objects.exists()
