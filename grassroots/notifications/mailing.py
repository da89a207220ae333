"""Sending many emails in one task: notify() and the digests hand the worker a few dozen at a
time, so telling a ward's 5,000 followers queues 100 tasks, not 5,000."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task

from grassroots.core.mail import MessageData, deliver

# Emails handed to one task: the worker sends them over one connection.
EMAILS_PER_TASK = 50


@task()
def send_emails(*, messages: list[MessageData], attempt: int = 1) -> int:
    """Send each message (subject, body, to, headers) over one connection to the mail
    backend; returns how many were sent. One that fails does not stop the rest, but the task
    then fails (so operators see it), and those that may go later are queued again
    (`core.mail.deliver`)."""

    def retry(failed: list[MessageData], next_attempt: int, when: datetime.datetime) -> None:
        send_emails.using(run_after=when).enqueue(messages=failed, attempt=next_attempt)

    return deliver(
        messages,
        attempt=attempt,
        retry=retry,
        can_retry=send_emails.get_backend().supports_defer,
    )


def enqueue_after_commit(messages: list[dict[str, Any]]) -> None:
    """Queue `messages` (subject, body, to, headers) in tasks of EMAILS_PER_TASK, once the
    current transaction commits (nothing is sent for a write that is rolled back)."""
    for start in range(0, len(messages), EMAILS_PER_TASK):
        chunk = messages[start : start + EMAILS_PER_TASK]
        transaction.on_commit(partial(send_emails.enqueue, messages=chunk))
