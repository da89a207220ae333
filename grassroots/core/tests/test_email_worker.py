"""Email leaves through the task queue: the real database backend, worker and SMTP."""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import requests
from aiosmtpd.controller import Controller
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.mail import MAX_ATTEMPTS, is_transient
from grassroots.core.tasks import send_rendered_later
from grassroots.following.services import follow_start
from grassroots.initiatives.models import Initiative
from grassroots.initiatives.services.progress import update_create
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.notifications.mailing import enqueue_after_commit, send_emails
from grassroots.places.tests.factories import WardFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _response(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    return response


class Inbox:
    """An SMTP server's handler that keeps every message it is sent; it refuses addresses at
    refused.example for good (550) and those at busy.example for now (451)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 No such mailbox"
        if address.endswith("@busy.example"):
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

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


def ward_and_initiative() -> Initiative:
    initiative: Initiative = InitiativeFactory(
        title="Riverside garden", wards=[WardFactory(name="Riverside")]
    )
    return initiative


def _smtp(port: int) -> Any:
    return override_settings(
        TASKS=DATABASE_TASKS,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=5,
    )


def _work() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)


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


@pytest.mark.django_db(transaction=True)
def test_an_update_with_line_breaks_reaches_followers_with_a_one_line_subject(
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    world = ward_and_initiative()
    fan = UserFactory(email="fan@example.org")
    follow_start(user=fan, target=world)
    with _smtp(port):
        update_create(
            initiative=world,
            author=world.created_by,
            text="Planting day\r\nSaturday 10am\nBring gloves",
        )
        _work()
    assert [task.status for task in DBTaskResult.objects.all()] == ["SUCCESSFUL"]
    [sent] = inbox.messages
    assert sent["To"] == "fan@example.org"
    # Unfolded (RFC 5322 folds a long header over lines; that is not a line in the subject).
    subject = re.sub(r"\r?\n(?=[ \t])", "", sent["Subject"])
    assert subject == "[Grassroots] Riverside garden: Planting day Saturday 10am Bring gloves"
    assert "Bring gloves" in sent.get_payload()


@pytest.mark.django_db(transaction=True)
def test_an_email_that_cannot_be_sent_fails_its_task_and_is_not_retried(
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    with _smtp(port):
        enqueue_after_commit(
            [
                {"subject": "One", "body": "b", "to": ["gone@refused.example"]},
                {"subject": "Two", "body": "b", "to": ["here@example.org"]},
            ]
        )
        _work()
    [task] = DBTaskResult.objects.all()
    assert task.status == "FAILED"
    assert "1 of 2 emails not sent" in task.traceback
    assert "not tried again" in task.traceback
    # The rest of the batch still went.
    assert [m["To"] for m in inbox.messages] == ["here@example.org"]


@pytest.mark.django_db(transaction=True)
def test_an_email_refused_for_now_is_tried_again_later(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    with _smtp(port):
        enqueue_after_commit([{"subject": "Hi", "body": "b", "to": ["someone@busy.example"]}])
        _work()
        first, retry = DBTaskResult.objects.order_by("enqueued_at")
        assert first.status == "FAILED"
        assert "tried again from" in first.traceback
        assert retry.status == "READY"
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after > timezone.now() + timedelta(seconds=30)
        _work()  # not due yet: nothing happens
        assert DBTaskResult.objects.ready().count() == 0
    assert inbox.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_is_tried_again_until_it_answers(
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody = probe.getsockname()[1]  # closed again: nothing listens there
    with _smtp(nobody):
        send_rendered_later(_message())
        _work()
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert "1 failed for a passing reason, tried again from" in first.traceback
    # The retry's time comes; the server is up by then.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    with _smtp(port):
        _work()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert [m["Subject"] for m in inbox.messages] == ["Your ward has a new initiative"]


@pytest.mark.django_db(transaction=True)
def test_the_last_attempt_is_not_queued_again() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody = probe.getsockname()[1]
    with _smtp(nobody):
        send_emails.enqueue(
            messages=[{"subject": "Hi", "body": "b", "to": ["a@example.org"]}],
            attempt=MAX_ATTEMPTS,
        )
        _work()
    [task] = DBTaskResult.objects.all()
    assert task.status == "FAILED"
    assert "not tried again" in task.traceback


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPResponseException(421, b"Service not available"), True),
        (smtplib.SMTPResponseException(554, b"Transaction failed"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}), False),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (TimeoutError("timed out"), True),
        (BadHeaderError("Header values can't contain newlines"), False),
        (requests.HTTPError(response=_response(400)), False),
        (requests.HTTPError(response=_response(503)), True),
        (requests.ConnectionError("no route"), True),
    ],
)
def test_only_passing_failures_are_worth_another_try(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient
