"""Moderators hide, restore and dismiss; authors and reporters are told; all is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.moderation.models import Report, ReportStatus
from grassroots.moderation.tests.factories import MODERATION_CAST, items, login, report_as
from grassroots.notifications.models import Kind, Notification
from grassroots.testing.worlds import Town

MODERATORS = {"moderator", "site admin"}


def hide(client: Client, kind: str, pk: int, reason: str = "Personal attack") -> Any:
    return client.post(f"/moderation/item/{kind}/{pk}/hide/", {"hide-reason": reason})


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_who_may_hide_restore_and_dismiss(client: Client, town: Town, role: str) -> None:
    report_as(town.person("resident"), town.post(), "abuse")
    user = login(client, town, role)
    page = client.get(f"/moderation/item/reply/{town.post().pk}/")
    hidden = hide(client, "reply", town.post().pk)
    if role in MODERATORS:
        assert page.status_code == 200
        assert hidden.status_code == 302
        assert town.post().hidden_at is not None
        assert town.post().hidden_by == user
        restored = client.post(
            f"/moderation/item/reply/{town.post().pk}/restore/", {"restore-reason": "Mistake"}
        )
        assert restored.status_code == 302
        assert town.post().hidden_at is None
        report_as(town.person("ward councillor"), town.post(), "spam")
        dismissed = client.post(f"/moderation/item/reply/{town.post().pk}/dismiss/", {})
        assert dismissed.status_code == 302
        assert not Report.objects.filter(status=ReportStatus.OPEN).exists()
        return
    assert town.post().hidden_at is None
    assert Report.objects.get().status == ReportStatus.OPEN
    if not user.is_authenticated:
        assert hidden.status_code == 302
        assert "/accounts/login/" in hidden["Location"]
    elif role == "site admin without MFA":
        assert "/accounts/2fa/" in hidden["Location"]
    else:
        assert page.status_code == hidden.status_code == 403
        dismissed = client.post(f"/moderation/item/reply/{town.post().pk}/dismiss/", {})
        assert dismissed.status_code == 403
        assert Report.objects.get().status == ReportStatus.OPEN


@pytest.mark.parametrize("kind", ["reply", "conversation", "initiative", "event"])
def test_hiding_tells_the_author_and_the_reporters(client: Client, town: Town, kind: str) -> None:
    item = items(town)[kind]
    report_as(town.person("resident"), item, "abuse")
    report_as(town.person("officer"), item, "spam")
    login(client, town, "moderator")
    assert hide(client, kind, item.pk, "Name-calling").status_code == 302
    item.refresh_from_db()
    assert item.hidden_reason == "Name-calling"
    author_note = Notification.objects.get(recipient=town.person("author"))
    assert author_note.kind == Kind.MODERATION
    assert "Name-calling" in author_note.text
    for role in ("resident", "officer"):
        told = Notification.objects.get(recipient=town.person(role))
        assert "has hidden it" in told.text
        assert "Name-calling" not in told.text  # the reason is for the author
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.UPHELD}
    entry = AuditEntry.objects.get(action="moderation.hide")
    assert entry.actor == town.person("moderator")
    assert entry.data["reason"] == "Name-calling"


def test_dismissing_tells_the_reporters_and_is_audited(client: Client, town: Town) -> None:
    report_as(town.person("resident"), town.events["ward"], "misinformation")
    login(client, town, "moderator")
    response = client.post(
        f"/moderation/item/event/{town.events['ward'].pk}/dismiss/", {"dismiss-note": "Accurate"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.DISMISSED
    assert report.decision_note == "Accurate"
    assert "decided it can stay" in Notification.objects.get(recipient=town.person("resident")).text
    assert not Notification.objects.filter(recipient=town.person("author")).exists()
    assert AuditEntry.objects.filter(action="moderation.dismiss").count() == 1
    # Nothing left to dismiss: a clear message, nothing changes.
    again = client.post(f"/moderation/item/event/{town.events['ward'].pk}/dismiss/", {})
    assert again.status_code == 200
    assert "There are no open reports about this" in again.content.decode()


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("hide", {"hide-reason": ""}, "Enter the reason"),
        ("hide", {"hide-reason": "   "}, "Enter the reason"),
        ("hide", {"hide-reason": "x" * 1001}, "The reason must be 1000 characters or fewer"),
        ("restore", {"restore-reason": "Because"}, "This is not hidden"),
    ],
)
def test_bad_decisions_get_a_message_and_change_nothing(
    client: Client, town: Town, action: str, data: dict[str, str], message: str
) -> None:
    report_as(town.person("resident"), town.post(), "abuse")
    login(client, town, "moderator")
    response = client.post(f"/moderation/item/reply/{town.post().pk}/{action}/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "govuk-error-summary" in body
    assert town.post().hidden_at is None
    assert Report.objects.get().status == ReportStatus.OPEN
    assert not AuditEntry.objects.filter(action__in=["moderation.hide", "moderation.restore"])


def test_unknown_actions_and_items_are_not_found(client: Client, town: Town) -> None:
    login(client, town, "moderator")
    assert client.post(f"/moderation/item/reply/{town.post().pk}/explode/", {}).status_code == 404
    assert client.get("/moderation/item/reply/999999/").status_code == 404
    assert client.get(f"/moderation/item/nonsense/{town.post().pk}/").status_code == 404
    assert client.get(f"/moderation/item/reply/{town.post().pk}/hide/").status_code == 405
