"""Import one council's ward boundaries from an ONS GeoJSON file (any WDyy vintage)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.places.importers import ImportFileError, import_wards


class Command(BaseCommand):
    help = (
        "Import ward boundaries for one council from an ONS GeoJSON file. Wards of that council "
        "missing from the file are retired (kept for history, hidden from look-ups)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "file", type=Path, help="GeoJSON FeatureCollection, e.g. E06000035.json"
        )
        parser.add_argument(
            "--council-code",
            help="GSS code of the council, e.g. E06000035 (default: from the file or its name)",
        )
        parser.add_argument("--council-name", help="Name of the council, e.g. Medway")
        parser.add_argument(
            "--allow-older-vintage",
            action="store_true",
            help="Replace newer boundaries with the older ones in this file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_wards(
                options["file"],
                council_code=options["council_code"],
                council_name=options["council_name"],
                allow_older_vintage=options["allow_older_vintage"],
            )
        except ImportFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        council = result.council
        if result.council_created:
            self.stdout.write(f"Created council {council.name} ({council.gss_code}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.total} {result.vintage} wards for {council.name} "
                f"({council.gss_code}): {result.created} new, {result.updated} updated, "
                f"{result.reinstated} reinstated; {result.retired} retired."
            )
        )
        if result.terms_ended:
            self.stdout.write(f"Ended {result.terms_ended} councillor terms in the retired wards.")
