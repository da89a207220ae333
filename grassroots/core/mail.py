"""Queue email for the task worker once the surrounding transaction has committed; the GOV.UK
Notify backend, keeping one-click unsubscribe."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.db import transaction
from django_gov_notify.backends import (  # type: ignore[import-untyped]
    NotifyEmailBackend as _NotifyEmailBackend,
)
from django_gov_notify.utils import cast_to_notify_email_message  # type: ignore[import-untyped]

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
