"""Background tasks shared by every app."""

from __future__ import annotations

import datetime

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
