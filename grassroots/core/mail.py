"""Email: every message the site sends is built here (`build_email`: the subject always one
line) and sent from the task worker (`deliver`), after the surrounding transaction commits; the
GOV.UK Notify backend, keeping one-click unsubscribe.

Every message carries an idempotency key (`email_key`: a hash of why it is sent, given by the
caller or made once when it is queued, and of its recipients, subject and text). `deliver`
claims the key in `SentEmail` before sending and keeps it once sent, so a task retried or
delivered twice never sends the same email twice; a send that fails releases the claim for the
retry. A worker killed between the claim and the send leaves the claim: that email is not sent
rather than perhaps sent twice (decision record 0012).

A task that could not send is recorded as failed, never as a success: `deliver` raises
`EmailNotSent` once it has tried every message. A message that failed for a passing reason (the
mail server could not be reached, or answered "try later", 4xx) is queued again in a new task a
while later, up to `MAX_ATTEMPTS` tries in all; one that can never go (a refused address, a bad
header) is not. Operators see failed tasks in the admin (Tasks → DB task results) and in
`/healthz?detail=1`.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import smtplib
from collections.abc import Callable, Sequence
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_gov_notify.backends import (  # type: ignore[import-untyped]
    NotifyEmailBackend as _NotifyEmailBackend,
)
from django_gov_notify.utils import cast_to_notify_email_message  # type: ignore[import-untyped]

from grassroots.core.models import SentEmail

logger = logging.getLogger(__name__)

# Line breaks (of every kind) and other control characters: never in a subject.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# Tries in all for a message that fails for a passing reason, and the wait before each retry.
MAX_ATTEMPTS = 5
RETRY_AFTER = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)

# What a task hands the worker for one email: subject, body, to, and optionally from_email,
# html, headers and idempotency_key (JSON, so it can wait in the queue).
MessageData = dict[str, Any]


def email_key(origin: str, data: MessageData) -> str:
    """The idempotency key of one message: `origin` says why it is sent (the caller's key for
    the event, or one made when it was queued), the rest what it is."""
    digest = hashlib.sha256()
    for part in (
        origin,
        "\x1f".join(sorted(str(address).lower() for address in data.get("to", []))),
        str(data.get("subject", "")),
        str(data.get("body", "")),
        str(data.get("html") or ""),
    ):
        digest.update(part.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def with_keys(messages: list[MessageData], origin: str) -> list[MessageData]:
    """`messages`, each with its idempotency key (one it already has is kept)."""
    return [
        {**data, "idempotency_key": data.get("idempotency_key") or email_key(origin, data)}
        for data in messages
    ]


def _claim(key: str) -> bool:
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, claimed_at=timezone.now())
    except IntegrityError:
        return False
    return True


class EmailNotSent(Exception):
    """Some of a task's emails were not sent; raised so the task is recorded as failed."""


def one_line(subject: str) -> str:
    """`subject` on one line: line breaks and control characters become single spaces."""
    return " ".join(_CONTROL.sub(" ", str(subject)).split())


def build_email(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    """The one place an email is put together: its subject is always a single line (a line
    break in a header is refused by Django as `BadHeaderError`)."""
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=body,
        from_email=from_email,
        to=list(to),
        headers=headers or {},
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def is_transient(error: BaseException) -> bool:
    """Would trying again later help? Yes for a mail server that could not be reached, hung up,
    or said "try later" (4xx); no for a refusal (5xx) or a message that cannot be built."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):
        return False
    # An HTTP API's answer (GOV.UK Notify through requests): its own fault, or too busy.
    status = getattr(getattr(error, "response", None), "status_code", None)
    if isinstance(status, int):
        return status >= 500 or status == 429
    # Connection refused, timed out, name not resolved (smtplib's errors are OSErrors too,
    # hence their handling first).
    return isinstance(error, OSError)


def deliver(
    messages: list[MessageData],
    *,
    attempt: int,
    retry: Callable[[list[MessageData], int, datetime.datetime], None],
    can_retry: bool,
) -> int:
    """Send `messages` over one connection; returns how many went. Raises `EmailNotSent` if
    any did not, after handing those that may go later to `retry(messages, attempt, when)`
    (when `can_retry`: the task backend can run a task later, and tries are left)."""
    sent = 0
    transient: list[MessageData] = []
    permanent: list[MessageData] = []
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        if not is_transient(error):
            raise
        logger.warning("Could not reach the mail server (%s): %s", type(error).__name__, error)
        transient = list(messages)
    else:
        try:
            for data in messages:
                key = data.get("idempotency_key")
                if key and not _claim(key):
                    logger.info("Email %s was sent already (or is being sent): not again", key)
                    continue
                fields = {name: value for name, value in data.items() if name != "idempotency_key"}
                try:
                    sent += build_email(**fields, connection=connection).send()
                except Exception as error:
                    if key:
                        SentEmail.objects.filter(key=key, sent_at__isnull=True).delete()
                    (transient if is_transient(error) else permanent).append(data)
                    logger.exception("Could not send an email to %s", ", ".join(data["to"]))
                else:
                    if key:
                        SentEmail.objects.filter(key=key).update(sent_at=timezone.now())
        finally:
            connection.close()
    if not (transient or permanent):
        return sent
    later = ", not tried again"
    if transient and can_retry and attempt < MAX_ATTEMPTS:
        when = timezone.now() + RETRY_AFTER[min(attempt, len(RETRY_AFTER)) - 1]
        retry(transient, attempt + 1, when)
        later = f", tried again from {when:%Y-%m-%d %H:%M} UTC"
    raise EmailNotSent(
        f"{len(transient) + len(permanent)} of {len(messages)} emails not sent "
        f"(attempt {attempt} of {MAX_ATTEMPTS}): {len(permanent)} cannot be sent, "
        f"{len(transient)} failed for a passing reason{later}"
    )


def one_click_unsubscribe_url(message: EmailMessage) -> str | None:
    """The https address in a message's List-Unsubscribe header, if it offers one-click (RFC
    8058: both headers present); None otherwise."""
    headers = {str(k).lower(): str(v) for k, v in message.extra_headers.items()}
    if headers.get("list-unsubscribe-post", "").strip() != "List-Unsubscribe=One-Click":
        return None
    for part in headers.get("list-unsubscribe", "").split(","):
        address = part.strip().removeprefix("<").removesuffix(">").strip()
        if address.startswith(("https://", "http://")):
            return address
    return None


class NotifyEmailBackend(_NotifyEmailBackend):  # type: ignore[misc]
    """GOV.UK Notify, keeping one-click unsubscribe.

    Notify sends with its own headers and django-gov-notify drops ours; Notify's API takes the
    address as `one_click_unsubscribe_url` instead and adds both RFC 8058 headers itself.
    Everything else is django-gov-notify's backend as it is.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        sent = 0
        with self._lock:
            self.open()
            for original in email_messages:
                leave = one_click_unsubscribe_url(original)
                message = cast_to_notify_email_message(original, self.fail_silently)
                if not message.recipients():
                    continue
                try:
                    payload = message.message()
                    for recipient in message.recipients():
                        data = {"email_address": sanitize_address(recipient, "utf-8"), **payload}
                        if leave:
                            data["one_click_unsubscribe_url"] = leave
                        self.client.post("/v2/notifications/email", data=data)
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent
