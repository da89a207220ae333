"""The GOV.UK Notify backend keeps one-click unsubscribe: Notify takes the address as
`one_click_unsubscribe_url` and adds the RFC 8058 headers itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives

from grassroots.core.mail import NotifyEmailBackend, one_click_unsubscribe_url

TEMPLATE_ID = "5d3a4c6e-1b2f-4a8e-9c0d-7e6f5a4b3c2d"


class RecordingClient:
    """Stands in for Notify's HTTP API (an external service): keeps what would be posted."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []

    def post(self, url: str, data: dict[str, Any]) -> dict[str, Any]:
        self.posts.append((url, data))
        return {"id": "sent"}


@pytest.fixture
def backend(settings: Any) -> tuple[NotifyEmailBackend, RecordingClient]:
    settings.GOVUK_NOTIFY_API_KEY = "test-key"
    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = TEMPLATE_ID
    sender = NotifyEmailBackend()
    client = RecordingClient()
    sender.client = client
    return sender, client


def _message(headers: dict[str, str] | None = None) -> EmailMessage:
    return EmailMultiAlternatives(
        subject="Your daily digest",
        body="Hello",
        to=["resident@example.org"],
        headers=headers or {},
    )


def test_one_click_unsubscribe_reaches_notify(
    backend: tuple[NotifyEmailBackend, RecordingClient],
) -> None:
    sender, client = backend
    message = _message(
        {
            "List-Unsubscribe": "<https://grassroots.example.gov.uk/notifications/unsubscribe/t>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    )
    assert sender.send_messages([message]) == 1
    [(url, data)] = client.posts
    assert url == "/v2/notifications/email"
    assert data["email_address"] == "resident@example.org"
    assert data["template_id"] == TEMPLATE_ID
    assert data["personalisation"] == {"subject": "Your daily digest", "body": "Hello"}
    assert (
        data["one_click_unsubscribe_url"]
        == "https://grassroots.example.gov.uk/notifications/unsubscribe/t"
    )


def test_mail_without_unsubscribe_is_sent_as_before(
    backend: tuple[NotifyEmailBackend, RecordingClient],
) -> None:
    sender, client = backend
    assert sender.send_messages([_message()]) == 1
    assert "one_click_unsubscribe_url" not in client.posts[0][1]
    assert sender.send_messages([]) == 0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"List-Unsubscribe": "<https://x.example/u>"}, None),  # no one-click promise
        (
            {
                "List-Unsubscribe": "<mailto:leave@x.example>, <https://x.example/u>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            "https://x.example/u",
        ),
        (
            {
                "List-Unsubscribe": "<mailto:leave@x.example>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            None,
        ),
    ],
)
def test_reading_the_unsubscribe_address(headers: dict[str, str], expected: str | None) -> None:
    assert one_click_unsubscribe_url(_message(headers)) == expected
