"""The notifications inbox, mark all as read, and the unread count in the header."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.initiatives.models import Membership, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify

pytestmark = pytest.mark.django_db

URL = "/notifications/"


def texts(response: Any) -> list[str]:
    return [n.text for n in response.context["notifications"]]


def test_anonymous_people_are_asked_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_lists_your_notifications_newest_first_with_unread_marked(client: Client) -> None:
    user = UserFactory()
    Notification.objects.create(recipient=user, kind=Kind.JOIN_REQUEST, text="First", url="/")
    second = Notification.objects.create(
        recipient=user, kind=Kind.JOIN_REQUEST, text="Second", url="/"
    )
    Notification.objects.create(
        recipient=UserFactory(), kind=Kind.JOIN_REQUEST, text="Somebody else's", url="/"
    )
    second.read_at = second.created_at
    second.save(update_fields=["read_at"])
    client.force_login(user)
    response = client.get(URL)
    assert texts(response) == ["Second", "First"]
    html = response.content.decode()
    assert html.count('govuk-tag--blue">New</strong>') == 1
    assert "Somebody else" not in html


def test_the_header_shows_the_unread_count(client: Client) -> None:
    user = UserFactory()
    for n in range(3):
        Notification.objects.create(recipient=user, kind=Kind.STAGE_CHANGE, text=f"N{n}", url="/")
    client.force_login(user)
    html = client.get("/initiatives/").content.decode()
    assert '3<span class="govuk-visually-hidden"> unread</span>' in html


def test_the_unread_count_costs_nothing_for_anonymous_people(
    client: Client, django_assert_num_queries: Any
) -> None:
    # The accessibility statement runs no query of its own; the header must not add one.
    with django_assert_num_queries(0):
        client.get("/accessibility")


def test_mark_all_as_read(client: Client) -> None:
    user = UserFactory()
    for n in range(3):
        Notification.objects.create(recipient=user, kind=Kind.STAGE_CHANGE, text=f"N{n}", url="/")
    other = Notification.objects.create(
        recipient=UserFactory(), kind=Kind.STAGE_CHANGE, text="Other", url="/"
    )
    client.force_login(user)
    response = client.post("/notifications/read-all", follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "All your notifications are marked as read" in response.content.decode()
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert AuditEntry.objects.filter(action="notifications.mark_all_read").count() == 1


def test_mark_all_as_read_needs_a_post_and_a_sign_in(client: Client) -> None:
    assert client.post("/notifications/read-all").status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get("/notifications/read-all").status_code == 405


def test_it_hides_notifications_about_an_initiative_you_can_no_longer_see(
    client: Client,
) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED, title="Quiet group")
    member = MembershipFactory(initiative=initiative).user
    notify(
        recipients=[member],
        kind=Kind.STAGE_CHANGE,
        text="Quiet group is now planning",
        url=initiative.get_absolute_url(),
        initiative=initiative,
    )
    client.force_login(member)
    assert texts(client.get(URL)) == ["Quiet group is now planning"]
    Membership.objects.filter(user=member).update(status="left")
    response = client.get(URL)
    assert texts(response) == []
    assert "Quiet group" not in response.content.decode()


def test_it_pages(client: Client) -> None:
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=Kind.STAGE_CHANGE, text=f"N{n}", url="/")
        for n in range(25)
    )
    client.force_login(user)
    assert len(texts(client.get(URL))) == 20
    assert len(texts(client.get(URL, {"page": 2}))) == 5


def test_the_inbox_runs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    user = UserFactory()
    initiatives = InitiativeFactory.create_batch(5)
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.STAGE_CHANGE,
            text=f"N{n}",
            url="/",
            initiative=initiatives[n % 5] if n % 2 else None,
        )
        for n in range(40)
    )
    client.force_login(user)
    # session, user, MFA role check, councillor look-up, the restricted initiatives and
    # conversations the user sees (one query each, none while the page cache keeps them),
    # count, page, unread count
    with django_assert_max_num_queries(9):
        assert len(texts(client.get(URL))) == 20
