"""New accounts' first replies can wait for a moderator (ModerationSettings.hold_first_posts)."""

from __future__ import annotations

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.moderation.models import ModerationSettings
from grassroots.moderation.policy import should_hold
from grassroots.moderation.tests.factories import MODERATION_CAST, login, make_post
from grassroots.notifications.models import Notification
from grassroots.testing.worlds import Town


def hold_first(n: int) -> None:
    settings = ModerationSettings.load()
    settings.hold_first_posts = n
    settings.save(update_fields=["hold_first_posts"])


def test_off_by_default(town: Town) -> None:
    assert ModerationSettings.load().hold_first_posts == 0
    assert not should_hold(UserFactory())


def test_a_new_accounts_first_replies_are_held(town: Town) -> None:
    hold_first(2)
    newcomer = UserFactory()
    assert should_hold(newcomer, town.conversation())
    make_post(town.conversation(), newcomer, held_for_review=True)
    assert should_hold(newcomer, town.conversation())
    make_post(town.conversation(), newcomer, held_for_review=True)
    assert not should_hold(newcomer, town.conversation())


def test_role_holders_and_safeguarded_conversations_are_not_held(town: Town) -> None:
    hold_first(5)
    for role in ("moderator", "ward councillor", "officer", "site admin"):
        assert not should_hold(town.user(role)), role
    # Moderators may not see safeguarded content, so a held reply there could never pass.
    assert not should_hold(UserFactory(), town.conversation("private"))
    assert not should_hold(town.user("anonymous"))


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_who_may_approve_or_reject_a_held_reply(client: Client, town: Town, role: str) -> None:
    held = make_post(
        town.conversation(), town.person("author"), "First words", held_for_review=True
    )
    user = login(client, town, role)
    approve = client.post(f"/moderation/held/{held.pk}/approve/")
    reject = client.post(f"/moderation/held/{held.pk}/reject/", {"reason": "Spam"})
    held.refresh_from_db()
    if role in ("moderator", "site admin"):
        assert approve.status_code == 302
        assert not held.held_for_review
        assert held.hidden_at is None
        assert reject.status_code == 404  # no longer waiting
        assert AuditEntry.objects.filter(action="moderation.approve").count() == 1
        return
    assert held.held_for_review
    if not user.is_authenticated:
        assert "/accounts/login/" in approve["Location"]
    elif role == "site admin without MFA":
        assert "/accounts/2fa/" in approve["Location"]
    else:
        assert approve.status_code == reject.status_code == 403


def test_held_replies_are_in_the_queue_and_can_be_rejected_with_a_reason(
    client: Client, town: Town
) -> None:
    held = make_post(
        town.conversation(), town.person("author"), "Buy my phones", held_for_review=True
    )
    private = make_post(
        town.conversation("private"), town.person("author"), "Private held", held_for_review=True
    )
    login(client, town, "moderator")
    queue = client.get("/moderation/").content.decode()
    assert "Buy my phones" in queue
    assert "Private held" not in queue
    assert client.post(f"/moderation/held/{private.pk}/approve/").status_code == 404
    form = client.get(f"/moderation/held/{held.pk}/reject/")
    assert form.status_code == 200
    empty = client.post(f"/moderation/held/{held.pk}/reject/", {"reason": ""})
    assert "Enter the reason" in empty.content.decode()
    held.refresh_from_db()
    assert held.held_for_review
    done = client.post(f"/moderation/held/{held.pk}/reject/", {"reason": "Advertising"})
    assert done.status_code == 302
    held.refresh_from_db()
    assert not held.held_for_review
    assert held.hidden_at is not None
    assert held.hidden_reason == "Advertising"
    note = Notification.objects.get(recipient=town.person("author"))
    assert "Advertising" in note.text
