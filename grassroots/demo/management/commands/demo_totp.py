"""`manage.py demo_totp EMAIL`: the current sign-in code of a demo account (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.demo.borough import (
    SIGN_IN_EMAILS,
    TOTP_ROLES,
    DemoError,
    demo_totp_code,
    demo_totp_secret,
)


class Command(BaseCommand):
    help = (
        "Print the current 6-digit authenticator code of a demo sign-in that needs one "
        f"({', '.join(SIGN_IN_EMAILS[role] for role in sorted(TOTP_ROLES))}), so you "
        "can try the demo without an authenticator app. Refuses for any other account and when "
        "DEBUG is off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The demo sign-in, e.g. " + SIGN_IN_EMAILS["councillor"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: demo codes are only given out on development sites.")
        try:
            result = demo_totp_code(options["email"])
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.code)
        if options["verbosity"] > 0:
            self.stderr.write(
                f"Valid for {result.seconds_left} more seconds. Authenticator app secret for "
                f"{result.email}: {demo_totp_secret(result.email)}"
            )
