"""`manage.py export_360giving [FUND_ID] OUT.json`: a fund's grants (every fund's when no id is
given) as a 360Giving data package.

A 360Giving package needs at least one grant, so a fund with none is never written as a file:
for one fund the command writes nothing and stops with a message (exit status 1, any file
already at OUT left as it was); for every fund, the funds with no grants are left out and named,
and nothing is written if no fund has any."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.funding import giving360
from grassroots.funding.models import Fund, Grant


class Command(BaseCommand):
    help = "Write grants as a 360Giving JSON package: one fund's, or every fund's without an id."

    def add_arguments(self, parser: ArgumentParser) -> None:
        # An optional positional before a required one: argparse gives a single argument to
        # the required one, so `export_360giving OUT.json` means every fund.
        parser.add_argument("fund_id", nargs="?", help="the fund's id (every fund when left out)")
        parser.add_argument("out", type=Path, help="the file to write, such as grants.json")

    def handle(self, *args: Any, **options: Any) -> None:
        fund = None
        raw = options["fund_id"]
        if raw is not None:
            fund = Fund.objects.filter(pk=int(raw)).first() if str(raw).isdigit() else None
            if fund is None:
                raise CommandError(f"There is no fund with id {raw}")
        out: Path = options["out"]
        if out.is_dir():
            raise CommandError(f"{out} is a folder: give the name of a file to write")
        try:
            data = giving360.package(fund)
        except giving360.NoGrants:
            which = f"{fund.name} (fund {fund.pk}) has no" if fund is not None else "No fund has"
            raise CommandError(
                f"{which} grants yet, so there is nothing to export: a 360Giving package "
                f"needs at least one grant. Nothing was written to {out}."
            ) from None
        count = len(data["grants"])
        try:
            out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Could not write {out}: {error.strerror}") from error
        what = f"from {fund.name}" if fund is not None else "from every fund"
        noun = "grant" if count == 1 else "grants"
        self.stdout.write(f"Wrote {count} {noun} {what} to {out}")
        if fund is None:
            with_grants = Grant.objects.values("fund_id")
            for empty in Fund.objects.exclude(pk__in=with_grants).order_by("name", "pk"):
                self.stdout.write(f"Left out {empty.name} (fund {empty.pk}): it has no grants yet")
