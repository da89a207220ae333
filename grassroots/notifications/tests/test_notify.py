"""notify(): stored for the site, emailed by the task after the commit, as each person chose."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Kind, Notification
from grassroots.notifications.services import notify, preferences_save

pytestmark = pytest.mark.django_db


def test_emails_go_after_the_commit_only_to_people_with_email_on(
    django_capture_on_commit_callbacks: Any,
) -> None:
    keen, quiet = UserFactory(email="keen@example.org"), UserFactory(email="quiet@example.org")
    preferences_save(user=quiet, email_kinds=[k for k in Kind.values if k != "stage_change"])
    initiative = InitiativeFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            recipients=[keen, quiet],
            kind=Kind.STAGE_CHANGE,
            text="The garden is now in action",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
        assert mail.outbox == []  # nothing is sent inside the transaction
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[keen, quiet],
            kind=Kind.STAGE_CHANGE,
            text="The garden is now in action",
            url=initiative.get_absolute_url(),
            initiative=initiative,
        )
    assert [m.to for m in mail.outbox] == [["keen@example.org"]]
    assert "The garden is now in action" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=quiet).count() == 2  # in the site regardless


def test_outsiders_of_a_safeguarded_initiative_are_never_told(
    django_capture_on_commit_callbacks: Any,
) -> None:
    initiative = InitiativeFactory(visibility=Visibility.SAFEGUARDED)
    member = MembershipFactory(initiative=initiative).user
    outsider = UserFactory()
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


def _queries_to_notify(count: int, safeguarded: bool) -> int:
    initiative = InitiativeFactory(
        visibility=Visibility.SAFEGUARDED if safeguarded else Visibility.PUBLIC
    )
    people = [MembershipFactory(initiative=initiative).user for _ in range(count)]
    for person in people[::2]:
        preferences_save(user=person, email_kinds=[])
    with CaptureQueriesContext(connection) as context:
        notify(recipients=people, kind=Kind.STAGE_CHANGE, text="x", url="/", initiative=initiative)
    return len(context.captured_queries)


@pytest.mark.parametrize("safeguarded", [False, True])
def test_preferences_and_visibility_are_fetched_once_for_many_recipients(
    safeguarded: bool,
) -> None:
    assert _queries_to_notify(3, safeguarded) == _queries_to_notify(15, safeguarded)
