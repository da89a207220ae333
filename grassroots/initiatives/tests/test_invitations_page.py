"""Your invitations: where an invitee finds what waits for their answer; and page costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Initiative, MembershipStatus, Visibility
from grassroots.initiatives.services import invitations
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.testing.cast import invite_to_initiative

pytestmark = pytest.mark.django_db

# A lead's page also lists the councillors they invited and who a help request would reach
# (one query each, whatever the numbers).
# +1: the places the initiative is about (directory); +2: the restricted initiatives and
# conversations the viewer sees (one query each; none while the page cache keeps them).
PAGE_BUDGET = 25

URL = "/initiatives/invitations/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_only_invitations_waiting_for_an_answer() -> None:
    person = UserFactory()
    waiting = InitiativeFactory(title="Refuge circle", visibility=Visibility.SAFEGUARDED)
    invite_to_initiative(waiting, person, "We would love you to come")
    accepted, turned_down, withdrawn = (
        InitiativeFactory(title=t) for t in ("Accepted one", "Turned down one", "Withdrawn one")
    )
    invitations.invitation_accept(membership=invite_to_initiative(accepted, person), user=person)
    invitations.invitation_decline(
        membership=invite_to_initiative(turned_down, person), user=person
    )
    invitations.invitation_withdraw(
        membership=invite_to_initiative(withdrawn, person), actor=withdrawn.created_by
    )
    invite_to_initiative(InitiativeFactory(title="Somebody else's"), UserFactory())

    response = _client(person).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Refuge circle" in body
    assert "We would love you to come" in body
    assert f"Invited by {waiting.created_by.public_name}" in body
    for title in ("Accepted one", "Turned down one", "Withdrawn one", "Somebody else"):
        assert title not in body
    # Answer straight from the list.
    (m,) = response.context["invitations"]
    action = f'action="/initiatives/{waiting.slug}/invitations/{m.pk}/accept/"'
    assert action in body
    _client(person).post(f"/initiatives/{waiting.slug}/invitations/{m.pk}/accept/")
    m.refresh_from_db()
    assert m.status == MembershipStatus.APPROVED
    assert (
        "You have no invitations waiting for an answer" in _client(person).get(URL).content.decode()
    )


def test_anonymous_people_are_asked_to_sign_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_account_page_links_to_it() -> None:
    body = _client(UserFactory()).get("/account/").content.decode()
    assert f'href="{URL}"' in body


def test_the_invitation_notification_leads_to_the_answer() -> None:
    person = UserFactory()
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    invite_to_initiative(initiative, person)
    client = _client(person)
    inbox = client.get("/notifications/").content.decode()
    assert "invited you to join" in inbox
    note = person.notifications.get()
    page = client.get(note.url.split("#")[0]).content.decode()
    assert 'id="invitation"' in page
    assert "Accept and join" in page


def test_the_list_costs_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    counts = []
    for n in (2, 30):
        person = UserFactory()
        for _ in range(n):
            invite_to_initiative(
                InitiativeFactory(visibility=Visibility.SAFEGUARDED), person, "Hello"
            )
        client = _client(person)
        with django_assert_max_num_queries(10) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        assert len(response.context["invitations"]) == min(n, 25)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def _with_invitations(n: int, visibility: str = Visibility.SAFEGUARDED) -> Initiative:
    initiative = InitiativeFactory(visibility=visibility)
    for _ in range(n):
        invite_to_initiative(initiative, UserFactory(), "Hello")
    return initiative


@pytest.mark.parametrize("viewer", ["lead", "invitee"])
def test_the_initiative_page_costs_a_fixed_number_of_queries_with_invitations(
    viewer: str, django_assert_max_num_queries: Any
) -> None:
    counts = []
    for n in (1, 20):
        initiative = _with_invitations(n)
        if viewer == "lead":
            user = initiative.created_by
        else:
            user = initiative.memberships.filter(status=MembershipStatus.INVITED).first().user  # type: ignore[union-attr]
        client = _client(user)
        with django_assert_max_num_queries(PAGE_BUDGET) as captured:
            response = client.get(initiative.get_absolute_url())
        assert response.status_code == 200
        if viewer == "lead":
            assert len(response.context["people"].invitations) == n
        else:
            assert response.context["invitation"] is not None
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
