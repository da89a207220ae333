"""Councillors, officers, site admins, safeguarding contacts and editors must set up TOTP before
they use the site (the roles are `accounts.selectors.Roles.needs_mfa`)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts.selectors import user_roles

# Paths a role holder may still reach before MFA is set up: the MFA and account pages
# themselves, sign-out, static files and the health check.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class RequireMFAForRolesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not user_roles(user).mfa_satisfied
        ):
            messages.warning(
                request,
                _(
                    "Your account has a councillor, officer, safeguarding, editor or admin role. "
                    "Set up an authenticator app before you continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
