"""Sending many emails in one task: notify() and the digests hand the worker a few dozen at a
time, so telling a ward's 5,000 followers queues 100 tasks, not 5,000."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django_tasks import task

logger = logging.getLogger(__name__)

# Emails handed to one task: the worker sends them over one connection.
EMAILS_PER_TASK = 50


@task()
def send_emails(*, messages: list[dict[str, Any]]) -> int:
    """Send each message (subject, body, to, headers) over one connection to the mail
    backend; returns how many were sent. One that fails is logged and the rest still go."""
    sent = 0
    with get_connection() as mail:
        for message in messages:
            email = EmailMultiAlternatives(
                subject=message["subject"],
                body=message["body"],
                to=message["to"],
                headers=message.get("headers") or {},
                connection=mail,
            )
            try:
                sent += email.send()
            except Exception:
                logger.exception("Could not send an email to %s", ", ".join(message["to"]))
    return sent


def enqueue_after_commit(messages: list[dict[str, Any]]) -> None:
    """Queue `messages` (subject, body, to, headers) in tasks of EMAILS_PER_TASK, once the
    current transaction commits (nothing is sent for a write that is rolled back)."""
    for start in range(0, len(messages), EMAILS_PER_TASK):
        chunk = messages[start : start + EMAILS_PER_TASK]
        transaction.on_commit(partial(send_emails.enqueue, messages=chunk))
