"""Choosing which notifications are emailed: one query saves the whole set."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.notifications.models import Kind, Preference
from grassroots.notifications.selectors import email_kinds
from grassroots.notifications.services import preferences_save

pytestmark = pytest.mark.django_db

URL = "/notifications/settings"


def test_anonymous_people_are_asked_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"email": []}).status_code == 302
    assert not Preference.objects.exists()


def test_every_kind_is_emailed_until_turned_off(client: Client) -> None:
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert html.count('type="checkbox"') == len(Kind.values)
    assert html.count(" checked") == len(Kind.values)


def test_turning_kinds_off_and_on(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(URL, {"email": ["join_request", "case_update"]}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Your email settings have been saved" in response.content.decode()
    assert email_kinds(user) == {"join_request", "case_update"}
    client.post(URL, {"email": ["stage_change"]})
    assert email_kinds(user) == {"stage_change"}
    assert Preference.objects.filter(user=user).count() == len(Kind.values)


def test_a_bad_choice_gets_a_clear_message_and_changes_nothing(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(URL, {"email": ["join_request", "spam"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select kinds of notification from the list" in html
    assert not Preference.objects.exists()


def test_saving_a_change_set_is_one_query() -> None:
    user = UserFactory()
    preferences_save(user=user, email_kinds=["join_request"])
    with CaptureQueriesContext(connection) as context:
        preferences_save(user=user, email_kinds=["stage_change", "help_request"])
    statements = [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    # One upsert of every kind, and the audit entry.
    assert len(statements) == 2, statements
    assert "preference" in statements[0].lower()
    assert email_kinds(user) == {"stage_change", "help_request"}
