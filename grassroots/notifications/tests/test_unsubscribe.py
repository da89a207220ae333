"""One-click unsubscribe (RFC 8058): a signed link that works without signing in; GET asks,
POST acts; bad or expired links get a clear page, never an error."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client

from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.notifications import unsubscribe
from grassroots.notifications.models import Kind, Preference
from grassroots.notifications.selectors import deliveries
from grassroots.notifications.services import notify, preferences_save

pytestmark = pytest.mark.django_db


def path(user: User, scope: str) -> str:
    return f"/notifications/unsubscribe/{unsubscribe.make_token(user_id=user.pk, scope=scope)}"


def test_the_link_in_an_email_turns_that_kind_off_with_one_post(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind=Kind.FOLLOWING, text="News", url="/")
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    # What a mail provider does: a POST with no session and no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        link.removeprefix("http://127.0.0.1:8000"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "You will not get these emails any more" in response.content.decode()
    assert deliveries(person)["following"] == "off"
    assert deliveries(person)["stage_change"] == "immediately"
    entry = AuditEntry.objects.get(action="notifications.unsubscribe")
    assert entry.data == {"scope": "following", "kinds": ["following"]}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind=Kind.FOLLOWING, text="More news", url="/")
    assert mail.outbox == []


def test_a_get_only_asks_and_changes_nothing(client: Client) -> None:
    person = UserFactory()
    response = client.get(path(person, "event"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This will turn off emails about: Changes to events" in html
    assert '<form method="post">' in html
    assert not Preference.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_digest_link_turns_off_every_digest_and_nothing_else(client: Client) -> None:
    person = UserFactory()
    preferences_save(
        user=person,
        deliveries={"following": "daily", "event": "weekly", "conversation": "immediately"},
    )
    response = client.get(path(person, unsubscribe.DIGESTS))
    assert "This will turn off all your digest emails" in response.content.decode()
    client.post(path(person, unsubscribe.DIGESTS))
    chosen = deliveries(person)
    assert (chosen["following"], chosen["event"]) == ("off", "off")
    assert chosen["conversation"] == "immediately"


def test_posting_twice_changes_nothing_more(client: Client) -> None:
    person = UserFactory()
    client.post(path(person, "event"))
    client.post(path(person, "event"))
    assert AuditEntry.objects.filter(action="notifications.unsubscribe").count() == 1


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJ1IjoxLCJzIjoiZm9sbG93aW5nIn0:1vOAbC:tampered",
        "%E2%98%83",
        "a" * 2000,
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_links_get_a_clear_page_and_change_nothing(
    client: Client, token: str, method: str
) -> None:
    UserFactory()
    response = getattr(client, method)(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_link_altered_to_name_someone_else_does_not_work(client: Client) -> None:
    me, them = UserFactory(), UserFactory()
    token = unsubscribe.make_token(user_id=me.pk, scope="event")
    _payload, rest = token.split(":", 1)
    forged = signing.b64_encode(f'{{"u":{them.pk},"s":"event"}}'.encode()).decode()
    response = client.post(f"/notifications/unsubscribe/{forged}:{rest}")
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_a_token_signed_for_something_else_does_not_work(client: Client) -> None:
    person = UserFactory()
    other = signing.dumps({"u": person.pk, "s": "event"}, salt="something.else")
    assert client.post(f"/notifications/unsubscribe/{other}").status_code == 400
    unknown_scope = signing.dumps({"u": person.pk, "s": "gossip"}, salt=unsubscribe.SALT)
    assert client.post(f"/notifications/unsubscribe/{unknown_scope}").status_code == 400
    assert not Preference.objects.exists()


def test_a_link_for_a_deleted_account_does_not_work(client: Client) -> None:
    person = UserFactory(is_active=False)
    response = client.post(path(person, "event"))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_an_expired_link_says_so(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    person = UserFactory()
    made_at = time.time() - unsubscribe.MAX_AGE.total_seconds() - 60
    monkeypatch.setattr(time, "time", lambda: made_at)
    old = path(person, "event")
    monkeypatch.undo()
    response = client.post(old)
    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.content.decode()
    assert not Preference.objects.exists()


def test_make_token_refuses_unknown_scopes() -> None:
    with pytest.raises(ValueError, match="Cannot unsubscribe"):
        unsubscribe.make_token(user_id=1, scope="gossip")
