"""`manage.py import_oruk URL_OR_FILE [--approve]`: load services from another Open Referral UK
publisher (see `directory.importer`). Rejected records are listed by id and reason on stderr;
the last line counts what was created, updated, left unchanged and rejected. A feed that cannot
be read at all is an error (exit status 1) after whatever came before it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.directory.importer import FeedError, Report, import_record, read_feed


class Command(BaseCommand):
    help = "Import services from an Open Referral UK 3.0 feed (an address or a JSON file)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("source", help="an http(s) address of /services, or a JSON file")
        parser.add_argument(
            "--approve",
            action="store_true",
            help="list new organisations and services at once (default: as suggestions)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        report = Report()
        try:
            for records in read_feed(source):
                for record in records:
                    before = len(report.rejected)
                    import_record(record, report, approve=options["approve"], source=source)
                    for label, reason in report.rejected[before:]:
                        self.stderr.write(f"Rejected {label}: {reason}")
        except FeedError as error:
            if any((report.created, report.updated, report.unchanged, report.rejected)):
                self.stdout.write(f"Before stopping: {report.summary()}")
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
