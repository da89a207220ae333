from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from grassroots.support import services


class Command(BaseCommand):
    help = (
        "Flag advocacy cases past their wanted-by date (not yet decided) to the department "
        "and the councillor, once per case."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.cases_flag_overdue()
        self.stdout.write(f"Flagged {count} overdue case(s).")
