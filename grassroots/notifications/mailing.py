"""Sending many emails in one task: notify() and the digests hand the worker a few dozen at a
time, so telling a ward's 5,000 followers queues 100 tasks, not 5,000."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django_tasks import task

from grassroots.core.mail import MessageData, deliver, with_keys
from grassroots.core.taskqueue import enqueue

# Emails handed to one task: the worker sends them over one connection.
EMAILS_PER_TASK = 50


@task()
def send_emails(*, messages: list[MessageData], attempt: int = 1) -> int:
    """Send each message (subject, body, to, headers) over one connection to the mail
    backend; returns how many were sent. One that fails does not stop the rest, but the task
    then fails (so operators see it), and those that may go later are queued again
    (`core.mail.deliver`)."""

    def retry(failed: list[MessageData], next_attempt: int, when: datetime.datetime) -> None:
        enqueue(send_emails, run_after=when, messages=failed, attempt=next_attempt)

    return deliver(
        messages,
        attempt=attempt,
        retry=retry,
        can_retry=send_emails.get_backend().supports_defer,
    )


def enqueue_after_commit(messages: list[dict[str, Any]], *, key: str | None = None) -> None:
    """Queue `messages` (subject, body, to, headers) in tasks of EMAILS_PER_TASK, once the
    current transaction commits (nothing is sent for a write that is rolled back). Each message
    gets its idempotency key (core/mail.py) from `key`, what the messages are about when they
    must go once whatever happens, or else from a key made now: a retried or twice-delivered
    task never sends one twice."""
    keyed = with_keys(messages, key or uuid.uuid4().hex)
    for start in range(0, len(keyed), EMAILS_PER_TASK):
        chunk = keyed[start : start + EMAILS_PER_TASK]
        first = chunk[0]["idempotency_key"]
        enqueue(send_emails, key=f"emails:{first}:{len(chunk)}", messages=chunk)
