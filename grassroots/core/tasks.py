"""Background tasks shared by every app. Every task is queued through
`grassroots.core.taskqueue.enqueue` (after the commit, keyed, kept in the database while Redis is
away)."""

from __future__ import annotations

import datetime
import uuid

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django_tasks import task

from grassroots.core.mail import MessageData, deliver, with_keys
from grassroots.core.taskqueue import enqueue


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    idempotency_key: str | None = None,
    attempt: int = 1,
) -> int:
    """Send one email through the configured backend; returns the number sent (0 if its key
    shows it was sent already). Fails (and is recorded as failed) if it could not, queued again
    later if that may help."""

    def retry(messages: list[MessageData], next_attempt: int, when: datetime.datetime) -> None:
        enqueue(send_email, run_after=when, **messages[0], attempt=next_attempt)

    data: MessageData = {
        "subject": subject,
        "body": body,
        "to": to,
        "from_email": from_email,
        "html": html,
        "headers": headers,
        "idempotency_key": idempotency_key,
    }
    return deliver(
        [data],
        attempt=attempt,
        retry=retry,
        can_retry=send_email.get_backend().supports_defer,
    )


def send_email_later(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    key: str | None = None,
) -> None:
    """Send one email from the worker once the current transaction commits. `key` names what
    the email is about when it must go once whatever happens ("case-overdue:12"); without it
    each call is its own email (retries and duplicate deliveries still send it once)."""
    origin = key or uuid.uuid4().hex
    data: MessageData = {
        "subject": subject,
        "body": body,
        "to": to,
        "from_email": from_email,
        "html": html,
        "headers": headers,
    }
    (data,) = with_keys([data], origin)
    enqueue(send_email, key=f"email:{data['idempotency_key']}", **data)


def send_rendered_later(message: EmailMessage) -> None:
    """Send an already rendered message from the worker, after the commit (never inside it)."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    send_email_later(
        subject=str(message.subject),
        body=str(message.body),
        to=[str(address) for address in message.to],
        from_email=message.from_email,
        html=html,
        headers={str(k): str(v) for k, v in message.extra_headers.items()},
    )
