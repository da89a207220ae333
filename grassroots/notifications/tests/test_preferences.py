"""Choosing how each kind of notification is emailed: one upsert saves the whole set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Delivery, Kind, Preference
from grassroots.notifications.selectors import deliveries, email_kinds
from grassroots.notifications.services import preferences_save

pytestmark = pytest.mark.django_db

URL = "/notifications/settings"


def form_data(**changes: str) -> dict[str, str]:
    data = {f"kind_{kind}": Delivery.IMMEDIATELY.value for kind in Kind.values}
    data.update({f"kind_{kind}": how for kind, how in changes.items()})
    return data


def test_anonymous_people_are_asked_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302
    assert client.post(URL, form_data(following="daily")).status_code == 302
    assert not Preference.objects.exists()


def test_every_kind_is_emailed_straight_away_until_changed(client: Client) -> None:
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert html.count('type="radio"') == len(Kind.values) * len(Delivery.values)
    assert html.count('value="immediately" checked') == len(Kind.values)


def test_choosing_digests_and_off(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        URL, form_data(following="daily", event="weekly", moderation="off"), follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "Your email settings have been saved" in response.content.decode()
    chosen = deliveries(user)
    assert chosen["following"] == "daily"
    assert chosen["event"] == "weekly"
    assert chosen["moderation"] == "off"
    assert chosen["join_request"] == "immediately"
    assert "moderation" not in email_kinds(user)
    assert Preference.objects.filter(user=user).count() == len(Kind.values)
    html = client.get(URL).content.decode()
    assert (
        'id="id_kind_following_1" name="kind_following" type="radio" value="daily" checked' in html
    )
    assert AuditEntry.objects.filter(action="notifications.preferences_save").count() == 1


@pytest.mark.parametrize(
    "bad", [{"kind_following": "hourly"}, {"kind_following": ""}, {"kind_following": "<script>"}]
)
def test_a_bad_choice_gets_a_clear_message_and_changes_nothing(
    client: Client, bad: dict[str, str]
) -> None:
    user = UserFactory()
    client.force_login(user)
    data = form_data()
    data.update(bad)
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        "Select how to email you about: News from initiatives, wards, groups and conversations"
        in html
    )
    assert 'href="#id_kind_following_0"' in html
    assert "<script>" not in html
    assert not Preference.objects.exists()


def test_a_missing_kind_is_a_clear_message_too(client: Client) -> None:
    client.force_login(UserFactory())
    data = form_data()
    del data["kind_event"]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Select how to email you about: Changes to events" in response.content.decode()
    assert not Preference.objects.exists()


def test_saving_a_change_set_is_one_query() -> None:
    user = UserFactory()
    preferences_save(user=user, deliveries={"join_request": "off"})
    with CaptureQueriesContext(connection) as context:
        preferences_save(
            user=user, deliveries={k: "daily" if k == "following" else "off" for k in Kind.values}
        )
    statements = [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    # One upsert of every kind, and the audit entry.
    assert len(statements) == 2, statements
    assert "preference" in statements[0].lower()
    assert email_kinds(user) == {"following"}


def test_the_service_refuses_unknown_kinds_and_deliveries() -> None:
    user = UserFactory()
    with pytest.raises(ValueError, match="Unknown"):
        preferences_save(user=user, deliveries={"following": "hourly"})
    with pytest.raises(ValueError, match="Unknown"):
        preferences_save(user=user, deliveries={"gossip": "daily"})
    assert not Preference.objects.exists()


def test_the_page_costs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    user = UserFactory()
    preferences_save(user=user, deliveries=dict.fromkeys(Kind.values, "weekly"))
    client.force_login(user)
    with django_assert_max_num_queries(7):
        assert client.get(URL).status_code == 200
