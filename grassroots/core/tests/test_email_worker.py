"""Email leaves through the task queue: the real database backend, worker and SMTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from grassroots.core.mail import send_rendered_later

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Inbox:
    """An SMTP server's handler that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Your ward has a new initiative",
        body="Plain text body",
        to=["resident@example.org"],
        headers={"List-Unsubscribe": "<https://example.org/u/1>"},
    )
    message.attach_alternative("<p>HTML body</p>", "text/html")
    return message


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_queued_email_over_smtp(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    with override_settings(
        TASKS=DATABASE_TASKS,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
    ):
        with transaction.atomic():
            send_rendered_later(_message())
            # Nothing is queued until the transaction commits.
            assert DBTaskResult.objects.count() == 0
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        assert inbox.messages == []

        call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(inbox.messages) == 1
    sent = inbox.messages[0]
    assert sent["Subject"] == "Your ward has a new initiative"
    assert sent["To"] == "resident@example.org"
    assert sent["List-Unsubscribe"] == "<https://example.org/u/1>"
    parts = {part.get_content_type(): part for part in sent.walk()}
    assert "text/html" in parts
    assert "text/plain" in parts


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server: tuple[Inbox, int]) -> None:
    inbox, _port = smtp_server

    def queue_then_fail() -> None:
        with transaction.atomic():
            send_rendered_later(_message())
            raise RuntimeError("the write failed")

    with override_settings(TASKS=DATABASE_TASKS):
        with pytest.raises(RuntimeError):
            queue_then_fail()
        assert DBTaskResult.objects.count() == 0
    assert inbox.messages == []
