"""allauth adapters: mail goes through the task queue after the commit; plain-English errors;
role holders cannot turn off the two-factor authentication their role requires."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import user_roles
from grassroots.core.net import client_ip
from grassroots.core.tasks import send_rendered_later


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is closed"),
        "email_password_mismatch": _("The email address or password is not correct"),
        "email_taken": _("There is already an account with this email address"),
        "enter_current_password": _("Enter your current password"),
        "incorrect_code": _("The code is not correct. Check it and try again"),
        "incorrect_password": _("The password is not correct"),
        "invalid_or_expired_key": _("This link has expired or has already been used"),
        "invalid_password_reset": _("This link has expired or has already been used"),
        "rate_limited": _("You have made too many requests. Wait a few minutes, then try again"),
        "same_as_current": _("Enter a different email address from your current one"),
        "too_many_login_attempts": _(
            "You have tried to sign in too many times. Wait 15 minutes, then try again, "
            "or reset your password"
        ),
        "unknown_email": _("There is no account with this email address"),
        "unverified_primary_email": _("Confirm your email address first"),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The visitor's address, behind the trusted proxies (one rule: core.net)."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins count per account and client address (ACCOUNT_RATE_LIMITS
        "login_failed" .../key): guesses from one place never lock the owner out elsewhere."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_ip(request)}"

    def confirm_email(self, request: Any, email_address: Any) -> bool:
        """Once an address is confirmed, invitations waiting for it become the account's (the
        apps that keep them are named in settings.EMAIL_CONFIRMED_HOOKS, so accounts need not
        import them); each hook tells the person in the site and by email."""
        confirmed = bool(super().confirm_email(request, email_address))
        if confirmed:
            for path in settings.EMAIL_CONFIRMED_HOOKS:
                import_string(path)(user=email_address.user, email=email_address.email)
        return confirmed

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render now (while we have the request), send from the worker after the commit."""
        # Security emails about two-factor authentication are sent once the change is committed,
        # outside allauth's request context; the adapter still holds the request it was made for.
        request = allauth_context.request or self.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        ctx.update(context)
        send_rendered_later(self.render_mail(template_prefix, email, ctx))


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "You cannot turn off two-factor authentication while you are a councillor, "
            "council officer, safeguarding contact, editor or site admin"
        ),
        "incorrect_code": _("The code is not correct. Check your app and try again"),
        "unverified_email": _(
            "Confirm your email address before you set up two-factor authentication"
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Councillors, officers, site admins, safeguarding contacts and editors keep their app."""
        if authenticator.type == Authenticator.Type.TOTP:
            return not user_roles(authenticator.user).needs_mfa
        return True
