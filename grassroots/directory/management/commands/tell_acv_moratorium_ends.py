"""Daily: tell the followers of a listed place when its sale moratorium or protected period
has ended. Each notice of sale remembers what it told, so running it twice tells nobody twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from grassroots.directory.services_assets import tell_moratorium_ends


class Command(BaseCommand):
    help = "Tell followers when a place's sale moratorium or protected period has ended."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = tell_moratorium_ends()
        self.stdout.write(f"Told followers of {sent} ended period(s).")
