"""From a safeguarding concern, the council's contacts hide what it is about.

The author is told only that it was hidden under the site's rules, with the reason: never that a
concern was raised, nor by whom.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.moderation.models import Report, ReportStatus, SafeguardingConcern
from grassroots.moderation.services import concern_item_hide
from grassroots.moderation.tests.factories import (
    MODERATION_CAST,
    error_summary,
    items,
    login,
    report_as,
)
from grassroots.notifications.models import Notification
from grassroots.testing.worlds import Town

# Site admins handle concerns already (decisions/0004), so they may hide from one too.
MAY_HIDE = {"safeguarding contact", "site admin"}
REASON = "It shows a home address."


def concern_about(town: Town, item: Any) -> SafeguardingConcern:
    concern: SafeguardingConcern = report_as(
        town.person("resident"), item, "safeguarding", "Rita thinks a child is at risk"
    )
    return concern


def hide_url(concern: SafeguardingConcern) -> str:
    return f"/moderation/safeguarding/{concern.pk}/hide/"


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_who_may_hide_from_a_concern(client: Client, town: Town, role: str) -> None:
    concern = concern_about(town, town.post())
    user = login(client, town, role)
    page = client.get(hide_url(concern))
    done = client.post(hide_url(concern), {"reason": REASON})
    if role in MAY_HIDE:
        assert page.status_code == 200
        assert "Hide this reply" in page.content.decode()
        assert done.status_code == 302
        assert done["Location"] == f"/moderation/safeguarding/{concern.pk}/"
        assert town.post().hidden_at is not None
        assert town.post().hidden_reason == REASON
        assert town.post().hidden_by == user
        return
    assert town.post().hidden_at is None
    assert not AuditEntry.objects.filter(action="moderation.hide").exists()
    if not user.is_authenticated:
        assert "/accounts/login/" in done["Location"]
    elif role == "site admin without MFA":
        assert "/accounts/2fa/" in done["Location"]
    else:
        # Moderators too: a concern is not theirs, and they cannot tell one exists.
        assert page.status_code == done.status_code == 404


@pytest.mark.parametrize("kind", ["reply", "conversation", "initiative", "event"])
def test_the_author_is_told_the_rules_and_the_reason_and_nothing_of_the_concern(
    client: Client, town: Town, kind: str
) -> None:
    item = items(town)[kind]
    concern = concern_about(town, item)
    login(client, town, "safeguarding contact")
    assert client.post(hide_url(concern), {"reason": REASON}).status_code == 302
    item.refresh_from_db()
    assert item.hidden_at is not None
    [told] = Notification.objects.filter(recipient=town.person("author"))
    assert "hidden under the site's rules" in told.text
    assert REASON in told.text
    for secret in ("afeguarding", "concern", "Rita", "Sam", "moderator"):
        assert secret not in told.text
    # The person who raised the concern is not notified through the site either.
    assert not Notification.objects.filter(recipient=town.person("resident")).exists()


def test_the_audit_log_records_the_hiding_and_the_concern(client: Client, town: Town) -> None:
    concern = concern_about(town, town.events["ward"])
    contact = login(client, town, "safeguarding contact")
    client.post(hide_url(concern), {"reason": REASON})
    entry = AuditEntry.objects.get(action="moderation.hide")
    assert entry.actor == contact
    assert entry.object_id == str(town.events["ward"].pk)
    assert entry.data["concern"] == concern.pk
    assert entry.data["reason"] == REASON
    assert f"safeguarding concern {concern.pk}" in entry.summary


def test_safeguarded_content_can_be_hidden_by_the_contact(client: Client, town: Town) -> None:
    concern = report_as(town.person("resident"), town.safeguarded, "abuse", "Awful")
    login(client, town, "safeguarding contact")
    page = client.get(f"/moderation/safeguarding/{concern.pk}/").content.decode()
    assert hide_url(concern) in page
    assert client.post(hide_url(concern), {"reason": REASON}).status_code == 302
    town.safeguarded.refresh_from_db()
    assert town.safeguarded.hidden_at is not None
    # The concern page now says so, and offers no second hiding.
    page = client.get(f"/moderation/safeguarding/{concern.pk}/").content.decode()
    assert REASON in page
    assert hide_url(concern) not in page


def test_open_reports_about_it_are_upheld_without_naming_the_concern(
    client: Client, town: Town
) -> None:
    reporter = town.person("ward councillor")
    report_as(reporter, town.post(), "abuse")
    concern = concern_about(town, town.post())
    login(client, town, "safeguarding contact")
    client.post(hide_url(concern), {"reason": REASON})
    assert Report.objects.get().status == ReportStatus.UPHELD
    [thanks] = Notification.objects.filter(recipient=reporter)
    assert "It has been hidden" in thanks.text
    assert "concern" not in thanks.text


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter the reason"),
        ("   \n ", "Enter the reason"),
        ("x" * 1001, "The reason must be 1000 characters or fewer"),
        ("bad\x00byte", "Remove the control characters"),
    ],
)
def test_bad_input_says_what_is_wrong_and_changes_nothing(
    client: Client, town: Town, reason: str, message: str
) -> None:
    concern = concern_about(town, town.post())
    login(client, town, "safeguarding contact")
    response = client.post(hide_url(concern), {"reason": reason})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body
    assert message in error_summary(body)
    assert town.post().hidden_at is None
    assert not AuditEntry.objects.filter(action="moderation.hide").exists()
    assert not Notification.objects.exists()


def test_the_confirmation_page_changes_nothing_and_posts_need_the_csrf_token(
    town: Town,
) -> None:
    concern = concern_about(town, town.post())
    client = Client(enforce_csrf_checks=True)
    login(client, town, "safeguarding contact")
    page = client.get(hide_url(concern), {"reason": REASON})
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    forged = client.post(hide_url(concern), {"reason": REASON})
    assert forged.status_code == 403
    assert town.post().hidden_at is None


def test_only_get_and_post(client: Client, town: Town) -> None:
    concern = concern_about(town, town.post())
    login(client, town, "safeguarding contact")
    for method in (client.put, client.delete, client.patch):
        assert method(hide_url(concern)).status_code == 405
    assert town.post().hidden_at is None


def test_hiding_twice_is_refused_plainly(client: Client, town: Town) -> None:
    concern = concern_about(town, town.post())
    login(client, town, "safeguarding contact")
    client.post(hide_url(concern), {"reason": REASON})
    again = client.post(hide_url(concern), {"reason": "Again"}, follow=True)
    assert "This is already hidden" in again.content.decode()
    assert town.post().hidden_reason == REASON
    assert AuditEntry.objects.filter(action="moderation.hide").count() == 1


def test_another_councils_contact_cannot_hide_even_by_the_service(town: Town) -> None:
    concern = concern_about(town, town.post())
    for role in ("other council's contact", "moderator", "resident"):
        with pytest.raises(PermissionDenied):
            concern_item_hide(user=town.person(role), concern=concern, reason=REASON)
    assert town.post().hidden_at is None
