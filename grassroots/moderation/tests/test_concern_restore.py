"""From a safeguarding concern, the people who may hide what it is about may show it again.

Moderators may not touch safeguarded content, so without this only the Django admin could undo
a contact's hiding. The author is told only that it is shown again: never of the concern.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.moderation.models import SafeguardingConcern
from grassroots.moderation.services import (
    concern_item_hide,
    concern_item_restore,
    item_hide,
    item_restore,
)
from grassroots.moderation.tests.factories import (
    MODERATION_CAST,
    error_summary,
    items,
    login,
    report_as,
)
from grassroots.notifications.models import Notification
from grassroots.testing.worlds import Town

MAY_RESTORE = {"safeguarding contact", "site admin"}
REASON = "It shows a home address."
NOTE = "The address was the community centre's, not a home."


def concern_about(town: Town, item: Any) -> SafeguardingConcern:
    concern: SafeguardingConcern = report_as(
        town.person("resident"), item, "safeguarding", "Rita thinks a child is at risk"
    )
    return concern


def hidden_concern(town: Town, item: Any) -> SafeguardingConcern:
    """A concern whose item the council's contact has already hidden (and the author was told)."""
    concern = concern_about(town, item)
    concern_item_hide(user=town.person("safeguarding contact"), concern=concern, reason=REASON)
    Notification.objects.all().delete()
    return concern


def concern_url(concern: SafeguardingConcern) -> str:
    return f"/moderation/safeguarding/{concern.pk}/"


def restore_url(concern: SafeguardingConcern) -> str:
    return f"/moderation/safeguarding/{concern.pk}/show/"


def restores() -> Any:
    return AuditEntry.objects.filter(action="moderation.restore")


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_who_may_show_it_again(client: Client, town: Town, role: str) -> None:
    concern = hidden_concern(town, town.post())
    user = login(client, town, role)
    page = client.get(restore_url(concern))
    done = client.post(restore_url(concern), {"note": NOTE})
    if role in MAY_RESTORE:
        assert page.status_code == 200
        assert "Show this reply again" in page.content.decode()
        assert REASON in page.content.decode()
        assert done.status_code == 302
        assert done["Location"] == concern_url(concern)
        assert town.post().hidden_at is None
        assert town.post().hidden_reason == ""
        assert town.post().hidden_by is None
        assert restores().get().actor == user
        return
    assert town.post().hidden_at is not None
    assert town.post().hidden_reason == REASON
    assert not restores().exists()
    assert not Notification.objects.exists()
    if not user.is_authenticated:
        assert "/accounts/login/" in done["Location"]
    elif role == "site admin without MFA":
        assert "/accounts/2fa/" in done["Location"]
    else:
        # Another council's contact, a moderator, a member: as if there were no such concern.
        assert page.status_code == done.status_code == 404
        missing = restore_url(concern).replace(str(concern.pk), str(concern.pk + 1000))
        assert client.get(missing).status_code == 404


def test_nobody_else_can_restore_even_by_the_service(town: Town) -> None:
    concern = hidden_concern(town, town.post())
    for role in ("other council's contact", "moderator", "resident", "author", "ward councillor"):
        with pytest.raises(PermissionDenied):
            concern_item_restore(user=town.person(role), concern=concern, note=NOTE)
    assert town.post().hidden_at is not None
    assert not restores().exists()


def test_the_concern_page_offers_it_only_while_hidden(client: Client, town: Town) -> None:
    concern = concern_about(town, town.post())
    login(client, town, "safeguarding contact")
    page = client.get(concern_url(concern)).content.decode()
    assert restore_url(concern) not in page
    concern_item_hide(user=town.person("safeguarding contact"), concern=concern, reason=REASON)
    page = client.get(concern_url(concern)).content.decode()
    assert restore_url(concern) in page
    assert "Show it again" in page
    client.post(restore_url(concern), {"note": ""})
    page = client.get(concern_url(concern), follow=True).content.decode()
    assert restore_url(concern) not in page
    assert "/hide/" in page


@pytest.mark.parametrize("kind", ["reply", "conversation", "initiative", "event"])
def test_the_author_is_told_it_is_shown_again_and_nothing_of_the_concern(
    client: Client, town: Town, kind: str
) -> None:
    item = items(town)[kind]
    concern = hidden_concern(town, item)
    login(client, town, "safeguarding contact")
    done = client.post(restore_url(concern), {"note": NOTE}, follow=True)
    assert "Shown again. The author has been told" in done.content.decode()
    item.refresh_from_db()
    assert item.hidden_at is None
    [told] = Notification.objects.filter(recipient=town.person("author"))
    assert "shown on the site again" in told.text
    # The note is for the record only.
    for secret in ("afeguarding", "concern", "Rita", "Sam", "moderator", NOTE):
        assert secret not in told.text
    assert not Notification.objects.filter(recipient=town.person("resident")).exists()


def test_the_audit_log_records_the_restoring_and_the_concern(client: Client, town: Town) -> None:
    concern = hidden_concern(town, town.events["ward"])
    contact = login(client, town, "safeguarding contact")
    client.post(restore_url(concern), {"note": f"  {NOTE}  "})
    entry = restores().get()
    assert entry.actor == contact
    assert entry.object_id == str(town.events["ward"].pk)
    assert entry.data["concern"] == concern.pk
    assert entry.data["reason"] == NOTE
    assert (
        entry.summary
        == f"Restored event {town.events['ward'].pk} from safeguarding concern {concern.pk}: {NOTE}"
    )


def test_the_note_is_optional(client: Client, town: Town) -> None:
    concern = hidden_concern(town, town.post())
    login(client, town, "site admin")
    assert client.post(restore_url(concern), {}).status_code == 302
    assert town.post().hidden_at is None
    entry = restores().get()
    assert entry.data["concern"] == concern.pk
    assert entry.summary.endswith(f"from safeguarding concern {concern.pk}")


def test_safeguarded_content_can_be_shown_again_by_the_contact(client: Client, town: Town) -> None:
    item = town.safeguarded
    concern = report_as(town.person("resident"), item, "abuse", "Awful")
    concern_item_hide(user=town.person("safeguarding contact"), concern=concern, reason=REASON)
    # Moderators cannot undo it from their queue: safeguarded content is not theirs.
    login(client, town, "moderator")
    queue_restore = f"/moderation/item/initiative/{item.pk}/restore/"
    assert client.post(queue_restore, {"restore-reason": "Mistake"}).status_code == 404
    login(client, town, "safeguarding contact")
    assert restore_url(concern) in client.get(concern_url(concern)).content.decode()
    assert client.post(restore_url(concern), {"note": NOTE}).status_code == 302
    item.refresh_from_db()
    assert item.hidden_at is None


def test_showing_what_is_not_hidden_says_so_and_changes_nothing(client: Client, town: Town) -> None:
    concern = concern_about(town, town.post())
    login(client, town, "safeguarding contact")
    for response in (
        client.get(restore_url(concern), follow=True),
        client.post(restore_url(concern), {"note": NOTE}, follow=True),
    ):
        assert response.status_code == 200
        assert "This is not hidden" in response.content.decode()
    with pytest.raises(ServiceError, match="This is not hidden"):
        concern_item_restore(user=town.person("safeguarding contact"), concern=concern, note=NOTE)
    assert town.post().hidden_at is None
    assert not restores().exists()
    assert not Notification.objects.exists()


def test_showing_it_twice_is_refused_plainly(client: Client, town: Town) -> None:
    concern = hidden_concern(town, town.post())
    login(client, town, "safeguarding contact")
    client.post(restore_url(concern), {"note": NOTE})
    again = client.post(restore_url(concern), {"note": "Again"}, follow=True)
    assert "This is not hidden" in again.content.decode()
    assert restores().count() == 1
    assert Notification.objects.filter(recipient=town.person("author")).count() == 1


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("x" * 1001, "The note must be 1000 characters or fewer"),
        ("bad\x00byte", "Remove the control characters"),
        ("bad\x07bell", "Remove the control characters"),
    ],
)
def test_bad_input_says_what_is_wrong_and_changes_nothing(
    client: Client, town: Town, note: str, message: str
) -> None:
    concern = hidden_concern(town, town.post())
    login(client, town, "safeguarding contact")
    response = client.post(restore_url(concern), {"note": note})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body
    assert message in error_summary(body)
    assert town.post().hidden_at is not None
    assert not restores().exists()
    assert not Notification.objects.exists()


def test_the_confirmation_page_changes_nothing_and_posts_need_the_csrf_token(
    town: Town,
) -> None:
    concern = hidden_concern(town, town.post())
    client = Client(enforce_csrf_checks=True)
    login(client, town, "safeguarding contact")
    page = client.get(restore_url(concern), {"note": NOTE})
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    forged = client.post(restore_url(concern), {"note": NOTE})
    assert forged.status_code == 403
    assert town.post().hidden_at is not None
    assert not restores().exists()


def test_only_get_and_post(client: Client, town: Town) -> None:
    concern = hidden_concern(town, town.post())
    login(client, town, "safeguarding contact")
    for method in (client.put, client.delete, client.patch):
        assert method(restore_url(concern)).status_code == 405
    assert town.post().hidden_at is not None


def test_the_queues_restoring_is_unchanged(town: Town) -> None:
    # The same code behind it: the queue keeps its wording, its reason and no concern.
    item_hide(moderator=town.person("moderator"), item=town.post(), reason="Spam")
    Notification.objects.all().delete()
    item_restore(moderator=town.person("moderator"), item=town.post(), reason="Mistake")
    [told] = Notification.objects.filter(recipient=town.person("author"))
    assert "A moderator has shown your reply" in told.text
    assert "Mistake" in told.text
    assert "concern" not in restores().get().summary
