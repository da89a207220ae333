"""A burst of news from one person reaches each follower as one email straight away; the rest
waits for the daily digest, and posting faster than people do is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.following.services import follow_start
from grassroots.initiatives.models import Update
from grassroots.initiatives.services.progress import update_create
from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import preferences_save
from grassroots.testing.cast import make_colead
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db


def _emails_to(person: User) -> list[EmailMessage]:
    return [message for message in mail.outbox if person.email in message.to]


def test_twelve_updates_send_each_follower_one_email_and_the_rest_in_the_digest(
    world: Town, django_capture_on_commit_callbacks: Any
) -> None:
    fan, neighbour = UserFactory(), UserFactory()
    follow_start(user=fan, target=world.initiative)
    follow_start(user=neighbour, target=world.ward)
    lead = world.initiative.created_by
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(12):
            update_create(initiative=world.initiative, author=lead, text=f"News number {n}")

    for person in (fan, neighbour):
        [email] = _emails_to(person)
        assert "News number 0" in email.subject
        # Every update is on the site at once.
        assert Notification.objects.filter(recipient=person, kind=Kind.FOLLOWING).count() == 12

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = digests_send(frequency="daily")
    assert result.notifications == 22  # 11 each, in one digest each
    [digest] = _emails_to(fan)
    assert "News number 11" in digest.body
    assert "News number 0" not in digest.body
    assert len(_emails_to(neighbour)) == 1


def test_news_from_somebody_else_is_emailed_straight_away(
    world: Town, django_capture_on_commit_callbacks: Any
) -> None:
    fan = UserFactory()
    follow_start(user=fan, target=world.initiative)
    lead = world.initiative.created_by
    colead = make_colead(world.initiative)
    with django_capture_on_commit_callbacks(execute=True):
        update_create(initiative=world.initiative, author=lead, text="From the lead")
        update_create(initiative=world.initiative, author=colead, text="From the co-lead")
        update_create(initiative=world.initiative, author=lead, text="The lead again")
    subjects = [email.subject for email in _emails_to(fan)]
    assert len(subjects) == 2
    assert "From the lead" in subjects[0]
    assert "From the co-lead" in subjects[1]


def test_the_window_comes_round_again(
    world: Town, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.FOLLOWING_EMAIL_WINDOW_MINUTES = 0  # each email opens no window: nothing held
    fan = UserFactory()
    follow_start(user=fan, target=world.initiative)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            update_create(
                initiative=world.initiative, author=world.initiative.created_by, text=f"N{n}"
            )
    assert len(_emails_to(fan)) == 3


def test_people_who_chose_a_weekly_digest_are_not_sent_a_daily_one(
    world: Town, django_capture_on_commit_callbacks: Any
) -> None:
    weekly = UserFactory()
    preferences_save(user=weekly, deliveries={"following": "weekly"})
    follow_start(user=weekly, target=world.initiative)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            update_create(
                initiative=world.initiative, author=world.initiative.created_by, text=f"N{n}"
            )
        assert digests_send(frequency="daily").emails == 0
        assert digests_send(frequency="weekly").notifications == 3
    assert len(_emails_to(weekly)) == 1


@pytest.mark.usefixtures("held_clock")
def test_posting_updates_in_a_burst_is_refused_with_nothing_saved(
    world: Town, client: Client
) -> None:
    lead = world.initiative.created_by
    client.force_login(lead)
    url = f"/initiatives/{world.initiative.slug}/updates/add/"
    statuses = [client.post(url, {"text": f"Spam {n}"}).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    response = client.post(url, {"text": "Spam again"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "Your update has not been posted. Wait a minute, then try again." in body
    assert Update.objects.filter(initiative=world.initiative).count() == 3
    # The limit is the lead's own: a co-lead may still post.
    other = Client()
    other.force_login(make_colead(world.initiative))
    assert other.post(url, {"text": "Real news"}).status_code == 302
