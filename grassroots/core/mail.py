"""Queue email for the task worker once the surrounding transaction has committed."""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from grassroots.core.tasks import send_email


def send_rendered_later(message: EmailMessage) -> None:
    """Send an already rendered message from the worker, after the commit (never inside it)."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    transaction.on_commit(
        partial(
            send_email.enqueue,
            subject=str(message.subject),
            body=str(message.body),
            to=[str(address) for address in message.to],
            from_email=message.from_email,
            html=html,
            headers={str(k): str(v) for k, v in message.extra_headers.items()},
        )
    )
