"""`manage.py seed_demo`: build (or bring up to date) the fictional demo borough."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.demo.borough import COUNCIL_NAME, DemoError
from grassroots.demo.seed import seed_demo, summary_lines


class Command(BaseCommand):
    help = (
        f"Create the fictional {COUNCIL_NAME} with wards, postcodes, councillors, residents "
        "and demo sign-ins. Safe to run again: it brings the demo back to its starting state and "
        "touches no other council's data."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo sign-ins have a published password and TOTP "
            "secrets: anyone can use them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this looks like a real site. seed_demo creates accounts with a "
                "published password (including a site admin): pass --force if you really mean it."
            )
        started = time.monotonic()
        try:
            borough = seed_demo()
        except DemoError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        if options["verbosity"] == 0:
            return
        for line in summary_lines(borough):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo borough ready in {elapsed:.1f} s."))
