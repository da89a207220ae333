"""Import or refresh postcodes from the ONS Postcode Directory (ONSPD) CSV file."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.places.importers import ImportFileError, import_postcodes


class Command(BaseCommand):
    help = (
        "Import postcodes from an ONS Postcode Directory CSV file (any layout since 2018). "
        "Safe to run again with the same or a newer file."
    )
    # The system checks load every URL and template (seconds, and 150 MB more at its peak):
    # nothing this command does depends on them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="ONSPD CSV file, e.g. ONSPD_NOV_2025_UK.csv")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Rows written at a time (default: settings.POSTCODE_IMPORT_BATCH_SIZE)",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            result = import_postcodes(
                options["file"],
                batch_size=options["batch_size"],
                progress=not options["no_progress"] and sys.stderr.isatty(),
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        out = self.stdout
        out.write(
            f"Read {result.rows} rows (ward column {result.ward_column}, "
            f"council column {result.council_column})."
        )
        out.write(
            self.style.SUCCESS(
                f"Imported {result.written} postcodes: {result.created} new, "
                f"{result.updated} updated."
            )
        )
        out.write(
            f"Terminated: {result.terminated} (recorded so the site can say they are no longer "
            "in use; never used for look-ups)."
        )
        out.write(f"Skipped without a grid reference: {result.skipped_no_grid_reference}.")
        out.write(f"Rejected: {result.rejected}.")
        for rejected in result.rejections.rows:
            out.write(f"  line {rejected.line}: {rejected.reason}")
        if result.rejections.not_shown:
            out.write(f"  ... and {result.rejections.not_shown} more rejected rows not shown.")
