"""allauth adapter: Grassroots sends mail through the task queue, after the commit."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from grassroots.core.mail import send_rendered_later

        msg = self.render_mail(template_prefix, email, context)
        send_rendered_later(msg)
