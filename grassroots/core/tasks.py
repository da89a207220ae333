"""Background tasks shared by every app."""

from __future__ import annotations

import datetime
from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django_tasks import task

from grassroots.core.mail import MessageData, deliver


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> int:
    """Send one email through the configured backend; returns the number sent. Fails (and
    is recorded as failed) if it could not, queued again later if that may help."""

    def retry(messages: list[MessageData], next_attempt: int, when: datetime.datetime) -> None:
        send_email.using(run_after=when).enqueue(**messages[0], attempt=next_attempt)

    data: MessageData = {
        "subject": subject,
        "body": body,
        "to": to,
        "from_email": from_email,
        "html": html,
        "headers": headers,
    }
    return deliver(
        [data],
        attempt=attempt,
        retry=retry,
        can_retry=send_email.get_backend().supports_defer,
    )


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
