"""Leads invite somebody to join by the email address of their account."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory, make_councillor
from grassroots.core.forms import INVITE_LOOKUPS_PER_HOUR as LOOKUPS_PER_HOUR
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)
from grassroots.initiatives.services import invitations, lifecycle, people
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.initiatives.tests.invitations import INSIDERS, INVITATION_ROLES, invitation_town
from grassroots.notifications.models import Kind, Notification
from grassroots.places.tests.factories import WardFactory
from grassroots.testing.cast import invite_to_initiative, make_member
from grassroots.testing.people import with_totp
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _lead_client(initiative: Initiative) -> Client:
    client = Client()
    client.force_login(initiative.created_by)
    return client


def _invite_url(initiative: Initiative) -> str:
    return f"/initiatives/{initiative.slug}/invite/"


def _state(initiative: Initiative) -> list[Any]:
    """Everything an invitation could change, to show that a refused one changed nothing."""
    rows = Membership.objects.filter(initiative=initiative).order_by("pk")
    return [
        *rows.values_list("user_id", "status", "role", "invitation_message"),
        Notification.objects.count(),
        AuditEntry.objects.filter(action__startswith="invitation").count(),
    ]


def test_a_lead_invites_a_resident_who_is_told_in_the_site_and_by_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(title="Brook Street garden")
    initiative.created_by.display_name = "Ola"
    initiative.created_by.save(update_fields=["display_name"])
    resident = UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _lead_client(initiative).post(
            _invite_url(initiative), {"email": "  Sam@Example.ORG ", "message": "Come and dig"}
        )
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url() + "#people"
    m = Membership.objects.get(initiative=initiative, user=resident)
    assert (m.status, m.role, m.invited_by, m.invitation_message) == (
        MembershipStatus.INVITED,
        MemberRole.MEMBER,
        initiative.created_by,
        "Come and dig",
    )
    assert m.invited_at is not None
    note = Notification.objects.get(recipient=resident)
    assert note.kind == Kind.INVITATION
    assert note.text == "Ola (resident) invited you to join Brook Street garden"
    assert note.url == initiative.get_absolute_url() + "#invitation"
    assert [e.to for e in mail.outbox] == [["sam@example.org"]]
    assert initiative.get_absolute_url() + "#invitation" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="invitation.create")
    assert (entry.actor, entry.object_id) == (initiative.created_by, str(m.pk))
    # The lead sees it waiting on the people section, with a way to withdraw it.
    page = _lead_client(initiative).get(initiative.get_absolute_url()).content.decode()
    assert "Withdraw invitation" in page
    assert resident.public_name in page


def test_the_email_about_a_safeguarded_initiative_names_neither_it_nor_the_lead(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Somebody else may read the invitee's email: it only asks them to sign in."""
    initiative = InitiativeFactory(
        title="Refuge circle", visibility=Visibility.SAFEGUARDED, slug="quiet-place"
    )
    resident = UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _lead_client(initiative).post(_invite_url(initiative), {"email": "sam@example.org"})
    note = Notification.objects.get(recipient=resident)
    # In the site (signed in, where the invitee may see it) the notification says it all.
    assert (
        note.text
        == f"{initiative.created_by.public_name} (resident) invited you to join Refuge circle"
    )
    (email,) = mail.outbox
    headers = "\n".join(f"{k}: {v}" for k, v in email.extra_headers.items())
    for text in (email.subject, email.body, headers):
        assert "Refuge" not in text
        assert "quiet-place" not in text
        assert initiative.created_by.public_name not in text
    assert "private group" in email.subject
    assert f"/notifications/{note.pk}/" in email.body
    # Signed in, they see it and can answer.
    client = Client()
    client.force_login(resident)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Refuge circle" in page
    assert "Accept and join" in page


def test_the_invite_page_explains_itself() -> None:
    initiative = InitiativeFactory()
    page = _lead_client(initiative).get(_invite_url(initiative)).content.decode()
    assert "Invite somebody to join" in page
    assert 'type="email"' in page
    assert 'name="csrfmiddlewaretoken"' in page


# --- Bad input: a clear message linked to its field, nothing changed, never a server error.

BAD_INPUT = [
    pytest.param(
        {"email": ""},
        "email",
        "Enter the email address of the person you want to invite",
        id="empty",
    ),
    pytest.param(
        {"email": "   "},
        "email",
        "Enter the email address of the person you want to invite",
        id="blank",
    ),
    pytest.param(
        {},
        "email",
        "Enter the email address of the person you want to invite",
        id="missing",
    ),
    pytest.param(
        {"email": "sam.example.org"},
        "email",
        "Enter an email address in the correct format, like name@example.com",
        id="no-at",
    ),
    pytest.param(
        {"email": "sam@"},
        "email",
        "Enter an email address in the correct format, like name@example.com",
        id="no-domain",
    ),
    pytest.param(
        {"email": "sam@exa mple.org"},
        "email",
        "Enter an email address in the correct format, like name@example.com",
        id="space",
    ),
    pytest.param(
        {"email": "sam\x00@example.org"},
        "email",
        "Enter an email address in the correct format, like name@example.com",
        id="null-character",
    ),
    pytest.param(
        {"email": "s" * 250 + "@example.org"},
        "email",
        "Email address must be 254 characters or fewer",
        id="too-long",
    ),
    pytest.param(
        {"email": "LEAD@example.org"},
        "email",
        "You cannot invite yourself",
        id="self",
    ),
    pytest.param(
        {"email": "member@example.org"},
        "email",
        "member@example.org is already a member of this initiative",
        id="already-a-member",
    ),
    pytest.param(
        {"email": "colead@example.org"},
        "email",
        "colead@example.org is already a lead of this initiative",
        id="already-a-lead",
    ),
    pytest.param(
        {"email": "invited@example.org"},
        "email",
        "invited@example.org has already been invited and has not answered yet",
        id="already-invited",
    ),
    pytest.param(
        {"email": "fresh@example.org", "message": "x" * 100_000},
        "message",
        "Message must be 1,000 characters or fewer",
        id="huge-message",
    ),
    pytest.param(
        {"email": "fresh@example.org", "message": "Hello\x07there"},
        "message",
        "Message must not contain control characters",
        id="control-character",
    ),
    pytest.param(
        {"email": ["fresh@example.org", "other@example.org"], "message": ["a", "b"]},
        None,
        None,
        id="repeated-fields",  # the last value counts: this one is accepted
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_changes_nothing(
    data: dict[str, Any], field: str | None, message: str | None
) -> None:
    initiative = InitiativeFactory()
    lead = initiative.created_by
    lead.email = "lead@example.org"
    lead.save(update_fields=["email"])
    make_member(initiative, UserFactory(email="member@example.org"))
    colead = make_member(initiative, UserFactory(email="colead@example.org"))
    Membership.objects.filter(user=colead).update(role=MemberRole.LEAD)
    invite_to_initiative(initiative, UserFactory(email="invited@example.org"))
    UserFactory(email="gone@example.org", is_active=False)
    UserFactory(email="fresh@example.org")
    UserFactory(email="other@example.org")
    before = _state(initiative)

    response = _lead_client(initiative).post(_invite_url(initiative), data)

    if field is None:  # the accepted case in the table
        assert response.status_code == 302
        assert Membership.objects.get(initiative=initiative, user__email="other@example.org")
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error:" in body
    summary = body[body.index('class="govuk-error-summary"') :]
    assert f'<a href="#id_{field}">{message}' in summary, summary[:800]
    assert _state(initiative) == before


def test_somebody_who_asked_to_join_is_simply_approved_by_an_invitation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(title="Brook Street garden")
    asker = UserFactory(email="asker@example.org")
    people.membership_request(initiative=initiative, user=asker, message="Can I help?")
    with django_capture_on_commit_callbacks(execute=True):
        response = _lead_client(initiative).post(
            _invite_url(initiative), {"email": "asker@example.org"}, follow=True
        )
    assert "asker@example.org had already asked to join, so they are now a member" in (
        response.content.decode()
    )
    m = Membership.objects.get(initiative=initiative, user=asker)
    assert (m.status, m.decided_by) == (MembershipStatus.APPROVED, initiative.created_by)
    note = Notification.objects.get(recipient=asker, kind=Kind.JOIN_DECISION)
    assert note.text == "You are now a member of Brook Street garden"
    assert AuditEntry.objects.get(action="membership.approve").data["by_invitation"] is True


def test_people_who_left_or_were_declined_or_withdrawn_may_be_invited_again() -> None:
    initiative = InitiativeFactory()
    lead = initiative.created_by
    left = make_member(initiative)
    people.membership_leave(initiative=initiative, user=left)
    declined = UserFactory()
    request = people.membership_request(initiative=initiative, user=declined)
    people.membership_decide(membership=request, actor=lead, approve=False)
    withdrawn = UserFactory()
    invitations.invitation_withdraw(
        membership=invite_to_initiative(initiative, withdrawn), actor=lead
    )
    for user in (left, declined, withdrawn):
        m = invite_to_initiative(initiative, user, "Second time lucky")
        assert (m.status, m.invitation_message) == (MembershipStatus.INVITED, "Second time lucky")


def test_somebody_who_turned_an_invitation_down_is_not_asked_again_for_thirty_days() -> None:
    initiative = InitiativeFactory()
    person = UserFactory(email="no@example.org")
    invitations.invitation_decline(membership=invite_to_initiative(initiative, person), user=person)
    response = _lead_client(initiative).post(_invite_url(initiative), {"email": "no@example.org"})
    body = response.content.decode()
    assert "no@example.org turned down an invitation to this initiative recently" in body
    again = timezone.localtime(timezone.now() + datetime.timedelta(days=30))
    assert f"You can invite them again from {again.day} {again:%B %Y}" in body
    assert Membership.objects.get(user=person).status == MembershipStatus.INVITATION_DECLINED
    # A month on, they may be asked once more.
    Membership.objects.filter(user=person).update(
        decided_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert invite_to_initiative(initiative, person).status == MembershipStatus.INVITED


def test_at_most_twenty_invitations_wait_at_once() -> None:
    initiative = InitiativeFactory()
    for _ in range(invitations.MAX_PENDING_INVITATIONS):
        invite_to_initiative(initiative, UserFactory())
    UserFactory(email="one-more@example.org")
    before = _state(initiative)
    body = (
        _lead_client(initiative)
        .post(_invite_url(initiative), {"email": "one-more@example.org"})
        .content.decode()
    )
    assert "20 invitations are already waiting for an answer" in body
    assert _state(initiative) == before
    # Withdrawing one makes room.
    invitations.invitation_withdraw(
        membership=Membership.objects.filter(status=MembershipStatus.INVITED).first(),  # type: ignore[arg-type]
        actor=initiative.created_by,
    )
    response = _lead_client(initiative).post(
        _invite_url(initiative), {"email": "one-more@example.org"}
    )
    assert response.status_code == 302


def test_looking_up_addresses_is_rate_limited() -> None:
    """So that nobody can try address after address to learn who has an account."""
    initiative = InitiativeFactory()
    client = _lead_client(initiative)
    for n in range(LOOKUPS_PER_HOUR):
        guess = client.post(_invite_url(initiative), {"email": f"guess{n}@example.org"})
        # Invited (or, past 20, the cap): never a word about whether the account exists.
        assert "no account" not in guess.content.decode()
    UserFactory(email="real@example.org")
    body = client.post(_invite_url(initiative), {"email": "real@example.org"}).content.decode()
    assert "You have tried to invite a lot of people in the last hour" in body
    assert not Membership.objects.filter(user__email="real@example.org").exists()


def test_a_councillor_may_be_invited_as_a_member_like_anybody() -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    councillor = with_totp(make_councillor(ward=initiative.wards.first()))
    m = invite_to_initiative(initiative, councillor)
    invitations.invitation_accept(membership=m, user=councillor)
    m.refresh_from_db()
    assert (m.status, m.role) == (MembershipStatus.APPROVED, MemberRole.MEMBER)
    # Still the back seat: a member, never a lead of an initiative in their own ward.
    with pytest.raises(ServiceError, match="cannot lead"):
        people.membership_make_lead(membership=m, actor=initiative.created_by)


# --- Who may invite, through the page (the rules themselves: test_rules_invitations.py).


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SAFEGUARDED])
@pytest.mark.parametrize("role", INVITATION_ROLES)
def test_who_may_invite(role: str, visibility: str) -> None:
    town: Town = invitation_town(visibility)
    newcomer = UserFactory(email="newcomer@example.org")
    response = town.client(role).post(town.url("invite/"), {"email": "newcomer@example.org"})
    invited = Membership.objects.filter(initiative=town.initiative, user=newcomer).exists()
    if role == "lead":
        assert (response.status_code, invited) == (302, True)
        return
    assert not invited
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif visibility == Visibility.SAFEGUARDED and role not in INSIDERS:
        assert response.status_code == 404  # exactly as for an initiative that does not exist
    else:
        assert response.status_code == 403


def test_the_form_needs_the_csrf_token() -> None:
    initiative = InitiativeFactory()
    UserFactory(email="sam@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(initiative.created_by)
    response = client.post(_invite_url(initiative), {"email": "sam@example.org"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="sam@example.org").exists()


def test_invitations_is_not_a_slug_an_initiative_can_take() -> None:
    lead = UserFactory()
    initiative = lifecycle.initiative_create(
        creator=lead,
        title="Invitations",
        problem="p",
        change_wanted="c",
        who_for="w",
        theme="other",
        wards=[WardFactory()],
    )
    assert initiative.slug != "invitations"
