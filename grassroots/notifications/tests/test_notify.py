"""notify(): stored for the site, emailed as each person chose (at once after the commit, in a
digest later, or not at all)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify, preferences_save

pytestmark = pytest.mark.django_db


def test_emails_go_after_the_commit_only_to_people_who_want_them_straight_away(
    django_capture_on_commit_callbacks: Any,
) -> None:
    keen, quiet = UserFactory(email="keen@example.org"), UserFactory(email="quiet@example.org")
    daily, weekly = UserFactory(email="daily@example.org"), UserFactory(email="weekly@example.org")
    preferences_save(user=quiet, deliveries={"stage_change": "off"})
    preferences_save(user=daily, deliveries={"stage_change": "daily"})
    preferences_save(user=weekly, deliveries={"stage_change": "weekly"})
    initiative = InitiativeFactory()
    everyone = [keen, quiet, daily, weekly]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            recipients=everyone,
            kind=Kind.STAGE_CHANGE,
            text="The garden is now in action",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
        assert mail.outbox == []  # nothing is sent inside the transaction
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=everyone,
            kind=Kind.STAGE_CHANGE,
            text="The garden is now in action",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
    assert [m.to for m in mail.outbox] == [["keen@example.org"]]
    assert "The garden is now in action" in mail.outbox[0].body
    for person in everyone:  # in the site regardless
        assert Notification.objects.filter(recipient=person).count() == 2
    waiting = Notification.objects.filter(awaiting_digest=True)
    assert {n.recipient for n in waiting} == {daily, weekly}
    assert Notification.objects.filter(recipient=keen, emailed_at__isnull=False).count() == 2
    assert not Notification.objects.filter(recipient=quiet, emailed_at__isnull=False).exists()
    assert not Notification.objects.filter(recipient=quiet, awaiting_digest=True).exists()


def test_every_email_carries_one_click_unsubscribe_for_its_kind(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://grassroots.example.gov.uk"
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind=Kind.FOLLOWING, text="News", url="/initiatives/")
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://grassroots.example.gov.uk/notifications/unsubscribe/")
    assert link.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.strip("<>") in message.body
    assert "https://grassroots.example.gov.uk/initiatives/" in message.body


def test_people_without_an_email_are_never_queued_for_a_digest() -> None:
    person = UserFactory()
    preferences_save(user=person, deliveries={"following": "daily"})
    type(person).objects.filter(pk=person.pk).update(email="")
    person.refresh_from_db()
    [created] = notify(recipients=[person], kind=Kind.FOLLOWING, text="News", url="/")
    assert created.awaiting_digest is False
    assert created.emailed_at is None


def test_outsiders_of_a_safeguarded_initiative_are_never_told(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=initiative).user
    outsider = UserFactory()
    preferences_save(user=outsider, deliveries={"stage_change": "daily"})
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            recipients=[member, outsider, AnonymousUser(), None],
            kind=Kind.STAGE_CHANGE,
            text="Moved on",
            url="/",
            initiative=initiative,
        )
    assert [n.recipient for n in created] == [member]
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert not Notification.objects.filter(recipient=outsider).exists()


def _queries_to_notify(count: int, safeguarded: bool) -> int:
    initiative = InitiativeFactory(
        visibility=Visibility.SAFEGUARDED if safeguarded else Visibility.PUBLIC
    )
    people = [MembershipFactory(initiative=initiative).user for _ in range(count)]
    for n, person in enumerate(people):
        preferences_save(
            user=person, deliveries={"stage_change": ["off", "daily", "weekly"][n % 3]}
        )
    with CaptureQueriesContext(connection) as context:
        notify(recipients=people, kind=Kind.STAGE_CHANGE, text="x", url="/", initiative=initiative)
    return len(context.captured_queries)


@pytest.mark.parametrize("safeguarded", [False, True])
def test_preferences_and_visibility_are_fetched_once_for_many_recipients(
    safeguarded: bool,
) -> None:
    assert _queries_to_notify(3, safeguarded) == _queries_to_notify(15, safeguarded)


@pytest.mark.django_db(transaction=True)
def test_many_recipients_are_emailed_in_a_few_tasks_by_the_real_worker() -> None:
    """A ward's followers told at once: 120 emails in three tasks of 50, 50 and 20."""
    people = UserFactory.create_batch(120)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        notify(recipients=people, kind=Kind.FOLLOWING, text="A new event in your ward", url="/")
        queued = DBTaskResult.objects.filter(status="READY")
        sizes = sorted(len(task.args_kwargs["kwargs"]["messages"]) for task in queued)
        assert sizes == [20, 50, 50]
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert all("A new event in your ward" in m.subject for m in mail.outbox)
