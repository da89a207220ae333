"""Leads withdraw an invitation that has not been answered."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import MembershipStatus, Visibility
from grassroots.initiatives.services import invitations
from grassroots.initiatives.tests.invitations import INSIDERS, INVITATION_ROLES, invitation_town
from grassroots.notifications.models import Kind
from grassroots.notifications.selectors import inbox
from grassroots.testing.cast import make_colead

pytestmark = pytest.mark.django_db


def test_a_lead_withdraws_and_the_invitee_is_outside_again() -> None:
    town = invitation_town(Visibility.SAFEGUARDED)
    invitee = town.person("invitee")
    assert town.client("invitee").get(town.url()).status_code == 200

    response = town.client("lead").post(
        town.url(f"invitations/{town.invitation.pk}/withdraw/"), follow=True
    )

    assert "You withdrew the invitation to Sam Invitee" in response.content.decode()
    m = town.invitation
    assert (m.status, m.decided_by) == (MembershipStatus.WITHDRAWN, town.lead)
    entry = AuditEntry.objects.get(action="invitation.withdraw")
    assert (entry.actor, entry.object_id) == (town.lead, str(m.pk))
    assert town.client("invitee").get(town.url()).status_code == 404
    assert not inbox(invitee).filter(kind=Kind.INVITATION).exists()
    # The other invitation still waits.
    assert town.other_invitation.status == MembershipStatus.INVITED


def test_a_co_lead_may_withdraw_an_invitation_another_lead_sent() -> None:
    town = invitation_town(Visibility.PUBLIC)
    colead = make_colead(town.initiative)
    client = Client()
    client.force_login(colead)
    client.post(town.url(f"invitations/{town.invitation.pk}/withdraw/"))
    assert town.invitation.status == MembershipStatus.WITHDRAWN


def test_withdrawing_an_answered_invitation_is_explained() -> None:
    town = invitation_town(Visibility.PUBLIC)
    invitations.invitation_accept(membership=town.invitation, user=town.person("invitee"))
    response = town.client("lead").post(
        town.url(f"invitations/{town.invitation.pk}/withdraw/"), follow=True
    )
    assert "This invitation is no longer open" in response.content.decode()
    assert town.invitation.status == MembershipStatus.APPROVED


def test_withdrawing_is_post_only() -> None:
    town = invitation_town(Visibility.PUBLIC)
    response = town.client("lead").get(town.url(f"invitations/{town.invitation.pk}/withdraw/"))
    assert response.status_code == 405
    assert town.invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
@pytest.mark.parametrize("role", INVITATION_ROLES)
def test_only_leads_may_withdraw(role: str, visibility: str) -> None:
    town = invitation_town(visibility)
    response = town.client(role).post(town.url(f"invitations/{town.invitation.pk}/withdraw/"))
    status = town.invitation.status
    if role == "lead":
        assert (response.status_code, status) == (302, MembershipStatus.WITHDRAWN)
        return
    assert status == MembershipStatus.INVITED
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif visibility == Visibility.SAFEGUARDED and role not in INSIDERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
