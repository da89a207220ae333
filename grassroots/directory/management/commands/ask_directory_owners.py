"""Ask owners of directory listings last checked over a year ago whether they are still correct."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from grassroots.directory import services


class Command(BaseCommand):
    help = (
        "Ask each owner of a directory listing last checked over a year ago to confirm it "
        "(once: not again until they confirm)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        asked = services.owners_ask()
        self.stdout.write(f"Asked {asked} owner(s) to check their listing.")
