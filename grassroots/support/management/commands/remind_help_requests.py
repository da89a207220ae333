from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from grassroots.support import services


class Command(BaseCommand):
    help = (
        "Flag help requests unanswered after HELP_REQUEST_WORKING_DAYS working days and "
        "re-notify the ward councillors (at most once a day per request)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.help_requests_remind()
        self.stdout.write(f"Reminded councillors about {count} help request(s).")
