"""Safeguarding concerns: emailed to the council's contacts at once, never in the queue."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from grassroots.core.models import AuditEntry
from grassroots.moderation.models import (
    ConcernStatus,
    Report,
    SafeguardingConcern,
    SafeguardingContact,
)
from grassroots.moderation.tests.factories import MODERATION_CAST, login, report_as
from grassroots.testing.worlds import Town


def raise_concern(client: Client, town: Town, item_kind: str, pk: int, **extra: str) -> Any:
    login(client, town, "resident")
    data = {"reason": "safeguarding", "details": "A child may be at risk", **extra}
    return client.post(f"/moderation/report/{item_kind}/{pk}/", data)


def test_a_concern_is_emailed_to_the_councils_contacts_with_the_reporters_details(
    client: Client, town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = raise_concern(client, town, "reply", town.post().pk)
    assert response.status_code == 302
    assert response["Location"] == "/moderation/report/concern-sent/"
    concern = SafeguardingConcern.objects.get()
    assert concern.council == town.council
    assert concern.status == ConcernStatus.NEW
    assert not Report.objects.exists()
    [message] = mail.outbox
    assert message.to == ["safeguarding@council.example"]
    assert "Safeguarding concern" in message.subject
    assert "Rita Resident" in message.body
    assert "rita@example.org" in message.body
    assert "A child may be at risk" in message.body
    assert town.post().body in message.body
    assert f"/moderation/safeguarding/{concern.pk}/" in message.body
    # The other council's contact is not told.
    assert "other@council.example" not in message.to


def test_the_confirmation_says_what_happens_next_and_to_call_999(
    client: Client, town: Town
) -> None:
    response = raise_concern(client, town, "initiative", town.initiative.pk)
    body = client.get(response["Location"]).content.decode()
    assert "What happens next" in body
    assert "call 999" in body
    assert "safeguarding team" in body


def test_without_contacts_the_fallback_address_is_used_and_a_warning_logged(
    client: Client,
    town: Town,
    settings: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SAFEGUARDING_FALLBACK_EMAIL = "fallback@grassroots.example"
    SafeguardingContact.objects.filter(council=town.council).delete()
    with (
        caplog.at_level(logging.WARNING, logger="grassroots.moderation"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        raise_concern(client, town, "event", town.events["ward"].pk)
    [message] = mail.outbox
    assert message.to == ["fallback@grassroots.example"]
    assert "Rita Resident" in message.body
    assert any(
        r.levelno == logging.WARNING and "No safeguarding contacts" in r.getMessage()
        for r in caplog.records
    )
    assert SafeguardingConcern.objects.get().sent_to == "fallback@grassroots.example"


def test_with_no_contact_and_no_fallback_the_concern_is_kept_and_an_error_logged(
    client: Client,
    town: Town,
    settings: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SAFEGUARDING_FALLBACK_EMAIL = ""
    SafeguardingContact.objects.all().delete()
    with (
        caplog.at_level(logging.WARNING, logger="grassroots.moderation"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        raise_concern(client, town, "event", town.events["ward"].pk)
    assert mail.outbox == []
    assert SafeguardingConcern.objects.count() == 1
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_any_report_about_safeguarded_content_goes_to_the_contacts_not_the_queue(
    client: Client, town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    # The resident is a member of the safeguarded initiative, so they can see and report it.
    login(client, town, "resident")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/moderation/report/initiative/{town.safeguarded.pk}/",
            {"reason": "spam"},
        )
    assert response["Location"] == "/moderation/report/concern-sent/"
    assert not Report.objects.exists()
    concern = SafeguardingConcern.objects.get()
    assert concern.reason == "spam"
    assert len(mail.outbox) == 1


def test_no_leak_of_concerns_to_moderators(client: Client, town: Town) -> None:
    concern = report_as(town.person("resident"), town.post(), "safeguarding", "Secret worry")
    private = report_as(town.person("resident"), town.safeguarded, "abuse", "Hidden")
    login(client, town, "moderator")
    queue = client.get("/moderation/").content.decode()
    assert "Secret worry" not in queue
    assert town.safeguarded.title not in queue
    assert "Nothing has been reported." in queue
    for pk in (concern.pk, private.pk):
        assert client.get(f"/moderation/safeguarding/{pk}/").status_code == 404
    assert client.get("/moderation/safeguarding/").status_code == 403
    # Nor through the moderators' item page for safeguarded content.
    initiative_pk = town.safeguarded.pk
    assert client.get(f"/moderation/item/initiative/{initiative_pk}/").status_code == 404
    assert (
        client.get(f"/moderation/item/reply/{town.post('private', 'organiser').pk}/").status_code
        == 404
    )


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_who_may_see_and_handle_a_concern(client: Client, town: Town, role: str) -> None:
    concern = report_as(town.person("resident"), town.post(), "safeguarding", "Worry")
    user = login(client, town, role)
    page = client.get(f"/moderation/safeguarding/{concern.pk}/")
    acknowledge = client.post(f"/moderation/safeguarding/{concern.pk}/", {"action": "acknowledge"})
    concern.refresh_from_db()
    allowed = role in ("safeguarding contact", "site admin")
    if not user.is_authenticated:
        assert page.status_code == 302
        assert "/accounts/login/" in page["Location"]
    elif role == "site admin without MFA":
        # Sent to set up two-factor authentication before anything else.
        assert page.status_code == acknowledge.status_code == 302
        assert "/accounts/2fa/" in page["Location"]
    elif allowed:
        assert page.status_code == 200
        assert "Rita Resident" in page.content.decode()
        assert acknowledge.status_code == 302
        assert concern.status == ConcernStatus.ACKNOWLEDGED
        assert concern.acknowledged_by == user
    else:
        assert page.status_code == 404
        assert acknowledge.status_code == 404
    if not allowed:
        assert concern.status == ConcernStatus.NEW


def test_a_contact_closes_a_concern_with_a_note(client: Client, town: Town) -> None:
    concern = report_as(town.person("resident"), town.post(), "safeguarding", "Worry")
    login(client, town, "safeguarding contact")
    url = f"/moderation/safeguarding/{concern.pk}/"
    empty = client.post(url, {"action": "close", "note": "   "})
    assert empty.status_code == 200
    assert "Enter what was done" in empty.content.decode()
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW
    done = client.post(url, {"action": "close", "note": "Spoke to the family; referred."})
    assert done.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.closing_note == "Spoke to the family; referred."
    assert concern.acknowledged_at is not None
    assert client.post(url, {"action": "close", "note": "Again"}).status_code == 200
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"moderation.concern_create", "moderation.concern_close"} <= actions
    # The list shows it as closed to the contact.
    listing = client.get("/moderation/safeguarding/").content.decode()
    assert "Closed" in listing


def test_a_second_open_concern_from_the_same_person_is_refused(client: Client, town: Town) -> None:
    raise_concern(client, town, "reply", town.post().pk)
    again = raise_concern(client, town, "reply", town.post().pk)
    assert again.status_code == 200
    assert "You have already raised a concern about this" in again.content.decode()
    assert SafeguardingConcern.objects.count() == 1
