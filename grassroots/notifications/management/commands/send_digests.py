from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Delivery


class Command(BaseCommand):
    help = (
        "Email each person their waiting notifications in one digest, grouped by place. "
        "Run with --daily every morning and --weekly once a week; safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--daily", action="store_true", help="send the daily digests")
        which.add_argument("--weekly", action="store_true", help="send the weekly digests")

    def handle(self, *args: Any, **options: Any) -> None:
        frequency = Delivery.DAILY if options["daily"] else Delivery.WEEKLY
        result = digests_send(frequency=frequency)
        self.stdout.write(
            f"Sent {result.emails} {frequency} digest(s) with {result.notifications} "
            f"notification(s); left out {result.skipped} no longer visible."
        )
