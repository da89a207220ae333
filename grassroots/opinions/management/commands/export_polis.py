"""`manage.py export_polis MAP_ID DIR`: write a map as Polis's four export files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grassroots.opinions.models import OpinionMap
from grassroots.opinions.polis_io import write_folder


class Command(BaseCommand):
    help = "Write an opinion map as comments.csv, votes.csv, participants-votes.csv, summary.csv."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("map_id", type=int)
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        opinion_map = OpinionMap.objects.filter(pk=options["map_id"]).first()
        if opinion_map is None:
            raise CommandError(f"There is no opinion map with id {options['map_id']}")
        folder: Path = options["folder"]
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file, not a folder")
        url = settings.SITE_URL.rstrip("/") + opinion_map.get_absolute_url()
        for path in write_folder(opinion_map, folder, url=url):
            self.stdout.write(str(path))
