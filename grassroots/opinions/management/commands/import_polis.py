"""`manage.py import_polis DIR --host-ward ID | --host-group ID [--question TEXT]`.

Loads a Polis export folder as a new opinion map, computes it and prints the new map's id.
A host is required: an operator loading somebody's conversation should say whose it is.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.groups.models import Group
from grassroots.opinions.computing import compute_map
from grassroots.opinions.polis_io import PolisFormatError, import_folder
from grassroots.places.models import Ward


class Command(BaseCommand):
    help = "Load a Polis export folder as a new opinion map and compute it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path)
        hosts = parser.add_mutually_exclusive_group()
        hosts.add_argument("--host-ward", type=int, help="id of the ward hosting the map")
        hosts.add_argument("--host-group", type=int, help="id of the group hosting the map")
        parser.add_argument("--question", default="", help="default: the export's topic")

    def handle(self, *args: Any, **options: Any) -> None:
        host: Ward | Group | None
        if options["host_ward"] is not None:
            host = Ward.objects.filter(pk=options["host_ward"]).first()
            if host is None:
                raise CommandError(f"There is no ward with id {options['host_ward']}")
        elif options["host_group"] is not None:
            host = Group.objects.filter(pk=options["host_group"]).first()
            if host is None:
                raise CommandError(f"There is no group with id {options['host_group']}")
        else:
            raise CommandError("Say who hosts the map: --host-ward ID or --host-group ID")
        try:
            opinion_map = import_folder(options["folder"], host=host, question=options["question"])
        except PolisFormatError as error:
            raise CommandError(f"Nothing imported: {error}") from error
        compute_map(opinion_map.pk)
        self.stdout.write(str(opinion_map.pk))
