"""Invitations: organisers invite by account email; the invitee accepts or declines."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.forms import INVITE_LOOKUPS_PER_HOUR as LOOKUPS_PER_HOUR
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.groups import services
from grassroots.groups.models import GroupMembership, Joining
from grassroots.groups.services import MAX_PENDING_INVITATIONS
from grassroots.groups.tests.factories import GroupFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.cast import invite_to_group, make_group_member

pytestmark = pytest.mark.django_db


def _summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


def _invite_page(client: Client, group: object, **data: str) -> str:
    slug = group.slug  # type: ignore[attr-defined]
    return client.post(f"/groups/{slug}/invite/", data).content.decode()


def test_an_organiser_invites_a_resident_who_is_told(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    group = GroupFactory(joining=Joining.INVITE, name="Brook choir")
    group.created_by.display_name = "Ada"
    group.created_by.save(update_fields=["display_name"])
    invitee = UserFactory(email="sam@example.org")
    client.force_login(group.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/groups/{group.slug}/invite/",
            {"email": "  SAM@example.org ", "message": "Sing with us"},
        )
    assert response["Location"] == group.get_absolute_url() + "#members"
    row = GroupMembership.objects.get(group=group, user=invitee)
    assert (row.status, row.invited_by, row.invitation_message) == (
        "invited",
        group.created_by,
        "Sing with us",
    )
    note = Notification.objects.get(recipient=invitee)
    assert note.kind == Kind.INVITATION
    assert note.text == "Ada (resident) invited you to join Brook choir"
    assert note.url == group.get_absolute_url() + "#invitation"
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert group.get_absolute_url() + "#invitation" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="group.invitation_create").exists()
    # The organisers see who has not answered yet.
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Waiting for an answer" in page
    assert "Withdraw the invitation" in page


def test_the_invitee_sees_the_message_escaped_and_accepts(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitee = UserFactory(display_name="Sam")
    invitation = services.invitation_create(
        group=group, actor=group.created_by, email=invitee.email, message="<b>hello</b>"
    )
    assert invitation is not None
    client.force_login(invitee)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "&lt;b&gt;hello&lt;/b&gt;" in page
    assert "<b>hello</b>" not in page
    response = client.post(f"/groups/{group.slug}/invitations/{invitation.pk}/accept/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "active"
    page = client.get(group.get_absolute_url()).content.decode()
    assert "You are now a member" in page
    assert "Sam (you)" in page
    assert Notification.objects.filter(
        recipient=group.created_by, kind=Kind.INVITATION, text__contains="Sam (resident) accepted"
    ).exists()


def test_the_invitee_declines_and_the_organisers_are_told(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    client.force_login(invitation.user)
    client.post(f"/groups/{group.slug}/invitations/{invitation.pk}/decline/")
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert Notification.objects.filter(
        recipient=group.created_by, text__contains="turned down"
    ).exists()


def test_an_answered_invitation_cannot_be_answered_again(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    services.invitation_accept(membership=invitation, user=invitation.user)
    client.force_login(invitation.user)
    for answer in ("accept", "decline"):
        url = f"/groups/{group.slug}/invitations/{invitation.pk}/{answer}/"
        assert client.post(url).status_code == 404
    with pytest.raises(ServiceError, match="no longer open"):
        services.invitation_decline(membership=invitation, user=invitation.user)


def test_a_withdrawn_invitation_cannot_be_accepted(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    client.force_login(group.created_by)
    client.post(f"/groups/{group.slug}/invitations/{invitation.pk}/withdraw/")
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    client.force_login(invitation.user)
    assert (
        client.post(f"/groups/{group.slug}/invitations/{invitation.pk}/accept/").status_code == 404
    )
    assert "Accept and join" not in client.get(group.get_absolute_url()).content.decode()
    # It can be sent again.
    again = services.invitation_create(
        group=group, actor=group.created_by, email=invitation.user.email
    )
    assert again is not None
    assert again.pk == invitation.pk
    assert again.status == "invited"


def test_an_invitation_of_another_group_is_not_reachable_through_this_one(
    client: Client,
) -> None:
    group, other = GroupFactory(), GroupFactory()
    invitation = invite_to_group(other)
    client.force_login(invitation.user)
    assert (
        client.post(f"/groups/{group.slug}/invitations/{invitation.pk}/accept/").status_code == 404
    )


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the email address of the person you want to invite"),
        ("not an email", "Enter an email address in the correct format"),
        ("a" * 250 + "@example.org", "Email address must be 254 characters or fewer"),
    ],
)
def test_bad_addresses_are_explained(client: Client, email: str, message: str) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    client.force_login(group.created_by)
    body = _invite_page(client, group, email=email)
    assert message in _summary(body)
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_a_huge_message_is_refused(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    client.force_login(group.created_by)
    body = _invite_page(client, group, email=UserFactory().email, message="x" * 1001)
    assert "Message must be 1,000 characters or fewer" in _summary(body)
    assert GroupMembership.objects.filter(group=group).count() == 1


def test_inviting_yourself_is_refused(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    client.force_login(group.created_by)
    body = _invite_page(client, group, email=group.created_by.email)
    assert "You cannot invite yourself" in _summary(body)


def test_a_deactivated_or_deleted_account_is_not_invited() -> None:
    """Treated like an address with no account: the invitation only waits for the address."""
    group = GroupFactory(joining=Joining.INVITE)
    gone = UserFactory(is_active=False)
    erased = UserFactory(anonymised_at=timezone.now())
    for user in (gone, erased):
        assert (
            services.invitation_create(group=group, actor=group.created_by, email=user.email)
            is None
        )
        assert not GroupMembership.objects.filter(group=group, user=user).exists()


def test_members_and_people_already_invited_are_not_invited_again(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    member = make_group_member(group)
    waiting = invite_to_group(group).user
    client.force_login(group.created_by)
    assert "is already a member of this group" in _summary(
        _invite_page(client, group, email=member.email)
    )
    assert "has already been invited and has not answered yet" in _summary(
        _invite_page(client, group, email=waiting.email)
    )


def test_somebody_who_declined_is_not_asked_again_for_a_month() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    services.invitation_decline(membership=invitation, user=invitation.user)
    with pytest.raises(ServiceError, match="turned down an invitation to this group recently"):
        services.invitation_create(group=group, actor=group.created_by, email=invitation.user.email)
    GroupMembership.objects.filter(pk=invitation.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=31)
    )
    again = services.invitation_create(
        group=group, actor=group.created_by, email=invitation.user.email
    )
    assert again is not None
    assert again.status == "invited"


def test_invitations_waiting_at_once_are_capped() -> None:
    group = GroupFactory(joining=Joining.INVITE)
    for _ in range(MAX_PENDING_INVITATIONS):
        invite_to_group(group)
    with pytest.raises(ServiceError, match="invitations are already waiting"):
        invite_to_group(group)


def test_looking_up_many_addresses_in_an_hour_is_refused(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    client.force_login(group.created_by)
    for n in range(LOOKUPS_PER_HOUR):
        _invite_page(client, group, email=f"nobody{n}@example.org")
    body = _invite_page(client, group, email=UserFactory().email)
    assert "Wait an hour, then try again" in _summary(body)


def test_an_invitation_to_an_open_group_is_accepted_by_joining() -> None:
    group = GroupFactory(joining=Joining.OPEN)
    invitation = invite_to_group(group)
    services.group_join(group=group, user=invitation.user)
    invitation.refresh_from_db()
    assert invitation.status == "active"


def test_only_organisers_see_waiting_invitations(client: Client) -> None:
    group = GroupFactory(joining=Joining.INVITE)
    invitation = invite_to_group(group)
    invitation.user.display_name = "Quiet Invitee"
    invitation.user.save(update_fields=["display_name"])
    member = make_group_member(group)
    client.force_login(member)
    assert "Quiet Invitee" not in client.get(group.get_absolute_url()).content.decode()
    client.logout()
    assert "Quiet Invitee" not in client.get(group.get_absolute_url()).content.decode()
