"""Import councillors and their terms of office from a CSV file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.places.importers import ImportFileError, import_councillors


class Command(BaseCommand):
    help = (
        "Import councillors from a CSV file with columns ward_code, name, party, email, "
        "term_start (YYYY-MM-DD) and optionally term_end and phone. Import the wards first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file of councillors")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_councillors(options["file"])
        except ImportFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Read {result.rows} rows. Councillors: {result.councillors_created} new, "
                f"{result.councillors_updated} updated. Terms: {result.terms_created} new, "
                f"{result.terms_updated} updated."
            )
        )
        out.write(f"Rejected: {result.rejected}.")
        for rejected in result.rejections.rows:
            out.write(f"  line {rejected.line}: {rejected.reason}")
        if result.rejections.not_shown:
            out.write(f"  ... and {result.rejections.not_shown} more rejected rows not shown.")
