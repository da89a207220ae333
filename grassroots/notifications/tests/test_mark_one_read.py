"""Opening one notification, or marking just that one as read."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Membership, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify

pytestmark = pytest.mark.django_db


def make(user: User, url: str = "/initiatives/", text: str = "Something happened") -> Notification:
    return Notification.objects.create(recipient=user, kind=Kind.STAGE_CHANGE, text=text, url=url)


def test_opening_a_notification_marks_it_read_and_follows_its_link(client: Client) -> None:
    user = UserFactory()
    notification, other = make(user), make(user, text="Another")
    client.force_login(user)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/initiatives/"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_an_already_read_notification_keeps_when_it_was_first_read(
    client: Client,
) -> None:
    user = UserFactory()
    notification = make(user)
    client.force_login(user)
    client.get(f"/notifications/{notification.pk}/")
    notification.refresh_from_db()
    first_read = notification.read_at
    client.get(f"/notifications/{notification.pk}/")
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_mark_one_as_read_leaves_the_rest_unread(client: Client) -> None:
    user = UserFactory()
    notification, other = make(user, text="One"), make(user, text="Two")
    client.force_login(user)
    response = client.post(f"/notifications/{notification.pk}/read", follow=True)
    assert response.redirect_chain == [("/notifications/", 302)]
    assert "Notification marked as read" in response.content.decode()
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_the_inbox_offers_mark_as_read_only_for_unread_ones(client: Client) -> None:
    user = UserFactory()
    unread, read = make(user, text="Unread"), make(user, text="Read")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert f'action="/notifications/{unread.pk}/read"' in html
    assert f'action="/notifications/{read.pk}/read"' not in html
    assert f'href="/notifications/{unread.pk}/"' in html


@pytest.mark.parametrize("method", ["get_open", "post_read"])
def test_nobody_else_may_open_or_mark_your_notification(client: Client, method: str) -> None:
    notification = make(UserFactory())
    path = (
        f"/notifications/{notification.pk}/"
        if method == "get_open"
        else (f"/notifications/{notification.pk}/read")
    )
    send = client.get if method == "get_open" else client.post
    anonymous = send(path)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    client.force_login(UserFactory())
    assert send(path).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_needs_a_post(client: Client) -> None:
    user = UserFactory()
    notification = make(user)
    client.force_login(user)
    assert client.get(f"/notifications/{notification.pk}/read").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_missing_notification_is_a_404_not_an_error(client: Client) -> None:
    client.force_login(UserFactory())
    assert client.get("/notifications/999999/").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404


def test_a_notification_pointing_off_site_goes_back_to_the_inbox(client: Client) -> None:
    user = UserFactory()
    notification = make(user, url="https://evil.example.com/phish")
    client.force_login(user)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response["Location"] == "/notifications/"


def test_a_notification_about_a_safeguarded_initiative_you_left_is_a_404(client: Client) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=initiative).user
    [notification] = notify(
        recipients=[member],
        kind=Kind.STAGE_CHANGE,
        text="Quiet group changed stage",
        url=initiative.get_absolute_url(),
        initiative=initiative,
    )
    Membership.objects.filter(user=member).update(status="left")
    client.force_login(member)
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/read").status_code == 404
