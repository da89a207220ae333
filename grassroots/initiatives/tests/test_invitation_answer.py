"""The invitee accepts or turns down an invitation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import MemberRole, MembershipStatus, Visibility
from grassroots.initiatives.services import invitations, people
from grassroots.initiatives.tests.invitations import INSIDERS, INVITATION_ROLES, invitation_town
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.selectors import inbox
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _answer(town: Town, role: str, answer: str) -> Any:
    return town.client(role).post(town.url(f"invitations/{town.invitation.pk}/{answer}/"))


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
def test_the_invitee_accepts_and_is_a_member_everywhere_members_are(visibility: str) -> None:
    town = invitation_town(visibility)
    invitee = town.person("invitee")
    page = town.client("invitee").get(town.url()).content.decode()
    assert "Come and help us" in page  # the lead's message, with the buttons to answer
    assert "Accept and join" in page

    response = _answer(town, "invitee", "accept")

    assert response.status_code == 302
    assert response["Location"] == town.initiative.get_absolute_url() + "#people"
    m = town.invitation
    assert (m.status, m.role, m.decided_by) == (
        MembershipStatus.APPROVED,
        MemberRole.MEMBER,
        invitee,
    )
    assert m.invited_by == town.lead  # joined by invitation, on record
    assert AuditEntry.objects.filter(action="invitation.accept", actor=invitee).exists()
    # The leads hear about it (the invitee does not hear about their own answer).
    told = Notification.objects.filter(kind=Kind.INVITATION, text__contains="accepted")
    assert [n.recipient for n in told] == [town.lead]
    # A member now: listed among the members, may post updates and leave, sees it in lists.
    client = town.client("invitee")
    page = client.get(town.url()).content.decode()
    assert "Accept and join" not in page
    assert "Leave the initiative" in page
    assert invitee.public_name in page
    assert invitee.has_perm("initiatives.post_update", town.initiative)
    listing = client.get("/initiatives/")
    assert town.initiative in listing.context["initiatives"]


def test_turning_down_a_safeguarded_invitation_hides_it_again() -> None:
    town = invitation_town(Visibility.SAFEGUARDED)
    invitee = town.person("invitee")
    assert inbox(invitee).filter(kind=Kind.INVITATION).exists()

    response = _answer(town, "invitee", "decline")

    assert response.status_code == 302
    assert response["Location"] == "/initiatives/invitations/"
    assert town.invitation.status == MembershipStatus.INVITATION_DECLINED
    assert AuditEntry.objects.filter(action="invitation.decline", actor=invitee).exists()
    client = town.client("invitee")
    assert client.get(town.url()).status_code == 404
    assert town.initiative not in client.get("/initiatives/").context["initiatives"]
    # Even the notification that invited them is gone from their list.
    assert not inbox(invitee).filter(initiative=town.initiative).exists()
    told = Notification.objects.filter(kind=Kind.INVITATION, text__contains="turned down")
    assert [n.recipient for n in told] == [town.lead]


def test_turning_down_a_public_invitation_leaves_it_open_to_ask_later() -> None:
    town = invitation_town(Visibility.PUBLIC)
    response = _answer(town, "invitee", "decline")
    assert response["Location"] == town.initiative.get_absolute_url()
    page = town.client("invitee").get(town.url()).content.decode()
    assert "Ask to join" in page
    people.membership_request(initiative=town.initiative, user=town.person("invitee"))
    m = town.invitation
    assert (m.status, m.invited_by) == (MembershipStatus.REQUESTED, None)


def test_an_answer_to_an_invitation_no_longer_open_is_explained() -> None:
    town = invitation_town(Visibility.PUBLIC)
    invitations.invitation_withdraw(membership=town.invitation, actor=town.lead)
    response = town.client("invitee").post(
        town.url(f"invitations/{town.invitation.pk}/accept/"), follow=True
    )
    assert response.status_code == 200
    assert "This invitation is no longer open" in response.content.decode()
    assert town.invitation.status == MembershipStatus.WITHDRAWN


def test_a_withdrawn_safeguarded_invitation_is_not_found() -> None:
    town = invitation_town(Visibility.SAFEGUARDED)
    invitations.invitation_withdraw(membership=town.invitation, actor=town.lead)
    assert _answer(town, "invitee", "accept").status_code == 404
    assert town.invitation.status == MembershipStatus.WITHDRAWN


def test_an_invitation_of_another_initiative_is_not_found() -> None:
    town = invitation_town(Visibility.PUBLIC)
    other = town.other_initiative
    response = town.client("invitee").post(
        f"/initiatives/{other.slug}/invitations/{town.invitation.pk}/accept/"
    )
    assert response.status_code == 404
    assert town.invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_answers_are_post_only(answer: str) -> None:
    town = invitation_town(Visibility.PUBLIC)
    response = town.client("invitee").get(town.url(f"invitations/{town.invitation.pk}/{answer}/"))
    assert response.status_code == 405
    assert town.invitation.status == MembershipStatus.INVITED


def test_answers_need_the_csrf_token() -> None:
    town = invitation_town(Visibility.PUBLIC)
    client = Client(enforce_csrf_checks=True)
    client.force_login(town.person("invitee"))
    response = client.post(town.url(f"invitations/{town.invitation.pk}/accept/"))
    assert response.status_code == 403
    assert town.invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize("answer", ["accept", "decline"])
@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
@pytest.mark.parametrize("role", INVITATION_ROLES)
def test_only_the_invitee_may_answer(role: str, visibility: str, answer: str) -> None:
    town = invitation_town(visibility)
    response = _answer(town, role, answer)
    status = town.invitation.status
    if role == "invitee":
        assert response.status_code == 302
        assert status != MembershipStatus.INVITED
        return
    assert status == MembershipStatus.INVITED
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif visibility == Visibility.SAFEGUARDED and role not in INSIDERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
