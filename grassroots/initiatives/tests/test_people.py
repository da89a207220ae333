"""Joining, approving, leaving, co-leads, stepping down and backing."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.accounts.types import Viewer
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import (
    Backing,
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.initiatives.services import people
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.cast import INITIATIVE_CAST, MEMBERS, SIGNED_IN, make_colead, make_member

pytestmark = pytest.mark.django_db


def _client(user: Viewer | None) -> Client:
    client = Client()
    if isinstance(user, User):
        client.force_login(user)
    return client


def _base(initiative: Initiative) -> str:
    return f"/initiatives/{initiative.slug}/"


def test_a_resident_asks_to_join_and_a_lead_approves() -> None:
    initiative = InitiativeFactory()
    lead, resident = initiative.created_by, UserFactory(display_name="Ola")
    asker = _client(resident)

    response = asker.post(_base(initiative) + "join/", {"message": "I can dig"})
    assert response.status_code == 302
    membership = Membership.objects.get(initiative=initiative, user=resident)
    assert (membership.status, membership.message) == (MembershipStatus.REQUESTED, "I can dig")
    note = Notification.objects.get(kind=Kind.JOIN_REQUEST)
    assert note.recipient == lead
    assert "Ola (resident) asked to join" in note.text
    page = _client(lead).get(_base(initiative)).content.decode()
    assert "I can dig" in page

    response = _client(lead).post(_base(initiative) + f"members/{membership.pk}/approve/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert membership.decided_by == lead
    assert Notification.objects.get(kind=Kind.JOIN_DECISION).recipient == resident
    assert AuditEntry.objects.filter(action="membership.approve").exists()


def test_a_lead_declines_and_the_person_hears() -> None:
    initiative = InitiativeFactory()
    resident = UserFactory()
    membership = people.membership_request(initiative=initiative, user=resident)
    _client(initiative.created_by).post(_base(initiative) + f"members/{membership.pk}/decline/")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DECLINED
    assert "declined" in Notification.objects.get(kind=Kind.JOIN_DECISION).text
    # Asking again is refused with a reason, not an error page.
    with pytest.raises(ServiceError, match="already answered"):
        people.membership_request(initiative=initiative, user=resident)


def test_answering_twice_is_explained() -> None:
    initiative = InitiativeFactory()
    membership = people.membership_request(initiative=initiative, user=UserFactory())
    client = _client(initiative.created_by)
    client.post(_base(initiative) + f"members/{membership.pk}/approve/")
    response = client.post(_base(initiative) + f"members/{membership.pk}/decline/", follow=True)
    assert "This request has already been answered" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED


def test_a_membership_of_another_initiative_is_not_found() -> None:
    initiative, other = InitiativeFactory(), InitiativeFactory()
    membership = people.membership_request(initiative=other, user=UserFactory())
    response = _client(initiative.created_by).post(
        _base(initiative) + f"members/{membership.pk}/approve/"
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REQUESTED


def test_a_member_leaves_and_may_ask_again() -> None:
    initiative = InitiativeFactory()
    member = make_member(initiative)
    _client(member).post(_base(initiative) + "leave/")
    assert Membership.objects.get(user=member).status == MembershipStatus.LEFT
    people.membership_request(initiative=initiative, user=member, message="Back again")
    assert Membership.objects.get(user=member).status == MembershipStatus.REQUESTED


def test_the_last_lead_cannot_leave_or_step_down() -> None:
    initiative = InitiativeFactory()
    lead = initiative.created_by
    client = _client(lead)
    page = client.post(_base(initiative) + "leave/", follow=True).content.decode()
    assert "You are the only lead" in page
    page = client.post(_base(initiative) + "step-down/", follow=True).content.decode()
    assert "You are the only lead" in page
    membership = Membership.objects.get(user=lead)
    assert (membership.role, membership.status) == (MemberRole.LEAD, MembershipStatus.APPROVED)


def test_a_lead_makes_a_co_lead_then_steps_down() -> None:
    initiative = InitiativeFactory()
    lead = initiative.created_by
    member = make_member(initiative)
    membership = Membership.objects.get(user=member)
    client = _client(lead)
    client.post(_base(initiative) + f"members/{membership.pk}/make-lead/")
    membership.refresh_from_db()
    assert membership.role == MemberRole.LEAD
    client.post(_base(initiative) + "step-down/")
    assert Membership.objects.get(user=lead).role == MemberRole.MEMBER
    assert AuditEntry.objects.filter(action="membership.step_down").exists()


def test_a_councillor_of_its_ward_cannot_be_made_a_lead(mfa_totp: object) -> None:
    initiative = InitiativeFactory()
    councillor = INITIATIVE_CAST["councillor of this ward who is a member"](initiative)
    assert isinstance(councillor, User)
    membership = Membership.objects.get(initiative=initiative, user=councillor)
    page = (
        _client(initiative.created_by)
        .post(_base(initiative) + f"members/{membership.pk}/make-lead/", follow=True)
        .content.decode()
    )
    assert "A councillor cannot lead an initiative in a ward they represent" in page
    membership.refresh_from_db()
    assert membership.role == MemberRole.MEMBER


def test_two_leads_stepping_down_at_once_leave_one_lead() -> None:
    initiative = InitiativeFactory()
    colead = make_colead(initiative)
    people.membership_step_down(initiative=initiative, user=colead)
    with pytest.raises(ServiceError):
        people.membership_step_down(initiative=initiative, user=initiative.created_by)
    leads = Membership.objects.filter(initiative=initiative, role=MemberRole.LEAD)
    assert leads.count() == 1


def test_backing_is_one_per_person_and_toggles() -> None:
    initiative = InitiativeFactory()
    resident = UserFactory()
    client = _client(resident)
    client.post(_base(initiative) + "back/")
    assert Backing.objects.filter(initiative=initiative).count() == 1
    assert "1 person backs this" in client.get(_base(initiative)).content.decode()
    assert people.backing_toggle(initiative=initiative, user=resident) is False
    assert people.backing_toggle(initiative=initiative, user=resident) is True
    assert Backing.objects.filter(initiative=initiative).count() == 1


# Everybody signed in who is not already in it (or waiting to be) may ask to join.
MAY_ASK_TO_JOIN = SIGNED_IN - MEMBERS - {"asked to join"}


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_who_may_ask_to_join(role: str) -> None:
    initiative = InitiativeFactory()
    actor = INITIATIVE_CAST[role](initiative)
    before = Membership.objects.filter(initiative=initiative).count()
    response = _client(actor).post(_base(initiative) + "join/", {"message": ""})
    allowed = role in MAY_ASK_TO_JOIN
    if allowed:
        assert response.status_code == 302
        assert Membership.objects.filter(initiative=initiative).count() == before + 1
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert Membership.objects.filter(initiative=initiative).count() == before


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_who_may_back(role: str) -> None:
    initiative = InitiativeFactory()
    actor = INITIATIVE_CAST[role](initiative)
    response = _client(actor).post(_base(initiative) + "back/")
    assert response.status_code == 302
    assert Backing.objects.filter(initiative=initiative).exists() is (role != "anonymous")


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_who_may_approve_and_make_leads(role: str) -> None:
    initiative = InitiativeFactory()
    actor = INITIATIVE_CAST[role](initiative)
    waiting = people.membership_request(initiative=initiative, user=UserFactory())
    member = Membership.objects.get(user=make_member(initiative))
    client = _client(actor)
    approve = client.post(_base(initiative) + f"members/{waiting.pk}/approve/")
    promote = client.post(_base(initiative) + f"members/{member.pk}/make-lead/")
    waiting.refresh_from_db()
    member.refresh_from_db()
    if role in {"lead", "co-lead"}:
        assert (approve.status_code, promote.status_code) == (302, 302)
        assert (waiting.status, member.role) == (MembershipStatus.APPROVED, MemberRole.LEAD)
    else:
        denied = 302 if role == "anonymous" else 403
        assert (approve.status_code, promote.status_code) == (denied, denied)
        assert (waiting.status, member.role) == (MembershipStatus.REQUESTED, MemberRole.MEMBER)


@pytest.mark.parametrize("role", list(INITIATIVE_CAST))
def test_who_may_step_down(role: str) -> None:
    initiative = InitiativeFactory()
    make_colead(initiative)  # so that stepping down is possible
    actor = INITIATIVE_CAST[role](initiative)
    response = _client(actor).post(_base(initiative) + "step-down/")
    if role in {"lead", "co-lead", "lead since elected for this ward"}:
        assert response.status_code == 302
        assert isinstance(actor, User)
        assert Membership.objects.get(initiative=initiative, user=actor).role == "member"
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)


def test_outsiders_cannot_join_or_back_a_safeguarded_initiative() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    client = _client(UserFactory())
    assert client.post(_base(initiative) + "join/", {"message": "hi"}).status_code == 404
    assert client.post(_base(initiative) + "back/").status_code == 404
    assert not Backing.objects.exists()
    assert Membership.objects.filter(initiative=initiative).count() == 1


def test_a_long_join_message_is_explained() -> None:
    initiative = InitiativeFactory()
    response = _client(UserFactory()).post(_base(initiative) + "join/", {"message": "x" * 1001})
    assert response.status_code == 200
    assert "Message must be 1,000 characters or fewer" in response.content.decode()
    assert Membership.objects.filter(initiative=initiative).count() == 1


def test_asking_twice_is_refused_with_a_reason() -> None:
    initiative = InitiativeFactory()
    resident = UserFactory()
    people.membership_request(initiative=initiative, user=resident)
    with pytest.raises(ServiceError, match="already asked to join"):
        people.membership_request(initiative=initiative, user=resident)
    assert Membership.objects.filter(initiative=initiative, user=resident).count() == 1
