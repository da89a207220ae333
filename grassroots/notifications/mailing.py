"""Sending many emails in one task: the digests hand the worker a few dozen at a time."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task

logger = logging.getLogger(__name__)


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
