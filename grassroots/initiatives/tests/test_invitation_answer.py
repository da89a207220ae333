"""The invitee accepts or turns down an invitation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import MemberRole, MembershipStatus, Visibility
from grassroots.initiatives.services import invitations, people
from grassroots.initiatives.tests.invitations import INSIDERS, ROLES, World, build_world
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.selectors import inbox

pytestmark = pytest.mark.django_db


def _answer(world: World, role: str, answer: str) -> Any:
    return world.client(role).post(world.url(f"invitations/{world.invitation.pk}/{answer}/"))


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
def test_the_invitee_accepts_and_is_a_member_everywhere_members_are(visibility: str) -> None:
    world = build_world(visibility)
    invitee = world.user("invitee")
    page = world.client("invitee").get(world.url()).content.decode()
    assert "Come and help us" in page  # the lead's message, with the buttons to answer
    assert "Accept and join" in page

    response = _answer(world, "invitee", "accept")

    assert response.status_code == 302
    assert response["Location"] == world.initiative.get_absolute_url() + "#people"
    m = world.invitation
    assert (m.status, m.role, m.decided_by) == (
        MembershipStatus.APPROVED,
        MemberRole.MEMBER,
        invitee,
    )
    assert m.invited_by == world.lead  # joined by invitation, on record
    assert AuditEntry.objects.filter(action="invitation.accept", actor=invitee).exists()
    # The leads hear about it (the invitee does not hear about their own answer).
    told = Notification.objects.filter(kind=Kind.INVITATION, text__contains="accepted")
    assert [n.recipient for n in told] == [world.lead]
    # A member now: listed among the members, may post updates and leave, sees it in lists.
    client = world.client("invitee")
    page = client.get(world.url()).content.decode()
    assert "Accept and join" not in page
    assert "Leave the initiative" in page
    assert invitee.public_name in page
    assert invitee.has_perm("initiatives.post_update", world.initiative)
    listing = client.get("/initiatives/")
    assert world.initiative in listing.context["initiatives"]


def test_turning_down_a_safeguarded_invitation_hides_it_again() -> None:
    world = build_world(Visibility.SAFEGUARDED)
    invitee = world.user("invitee")
    assert inbox(invitee).filter(kind=Kind.INVITATION).exists()

    response = _answer(world, "invitee", "decline")

    assert response.status_code == 302
    assert response["Location"] == "/initiatives/invitations/"
    assert world.invitation.status == MembershipStatus.INVITATION_DECLINED
    assert AuditEntry.objects.filter(action="invitation.decline", actor=invitee).exists()
    client = world.client("invitee")
    assert client.get(world.url()).status_code == 404
    assert world.initiative not in client.get("/initiatives/").context["initiatives"]
    # Even the notification that invited them is gone from their list.
    assert not inbox(invitee).filter(initiative=world.initiative).exists()
    told = Notification.objects.filter(kind=Kind.INVITATION, text__contains="turned down")
    assert [n.recipient for n in told] == [world.lead]


def test_turning_down_a_public_invitation_leaves_it_open_to_ask_later() -> None:
    world = build_world(Visibility.PUBLIC)
    response = _answer(world, "invitee", "decline")
    assert response["Location"] == world.initiative.get_absolute_url()
    page = world.client("invitee").get(world.url()).content.decode()
    assert "Ask to join" in page
    people.membership_request(initiative=world.initiative, user=world.user("invitee"))
    m = world.invitation
    assert (m.status, m.invited_by) == (MembershipStatus.REQUESTED, None)


def test_an_answer_to_an_invitation_no_longer_open_is_explained() -> None:
    world = build_world(Visibility.PUBLIC)
    invitations.invitation_withdraw(membership=world.invitation, actor=world.lead)
    response = world.client("invitee").post(
        world.url(f"invitations/{world.invitation.pk}/accept/"), follow=True
    )
    assert response.status_code == 200
    assert "This invitation is no longer open" in response.content.decode()
    assert world.invitation.status == MembershipStatus.WITHDRAWN


def test_a_withdrawn_safeguarded_invitation_is_not_found() -> None:
    world = build_world(Visibility.SAFEGUARDED)
    invitations.invitation_withdraw(membership=world.invitation, actor=world.lead)
    assert _answer(world, "invitee", "accept").status_code == 404
    assert world.invitation.status == MembershipStatus.WITHDRAWN


def test_an_invitation_of_another_initiative_is_not_found() -> None:
    world = build_world(Visibility.PUBLIC)
    other = world.other_initiative
    response = world.client("invitee").post(
        f"/initiatives/{other.slug}/invitations/{world.invitation.pk}/accept/"
    )
    assert response.status_code == 404
    assert world.invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_answers_are_post_only(answer: str) -> None:
    world = build_world(Visibility.PUBLIC)
    response = world.client("invitee").get(
        world.url(f"invitations/{world.invitation.pk}/{answer}/")
    )
    assert response.status_code == 405
    assert world.invitation.status == MembershipStatus.INVITED


def test_answers_need_the_csrf_token() -> None:
    world = build_world(Visibility.PUBLIC)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("invitee"))
    response = client.post(world.url(f"invitations/{world.invitation.pk}/accept/"))
    assert response.status_code == 403
    assert world.invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize("answer", ["accept", "decline"])
@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_invitee_may_answer(role: str, visibility: str, answer: str) -> None:
    world = build_world(visibility)
    response = _answer(world, role, answer)
    status = world.invitation.status
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
