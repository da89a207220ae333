"""Compute a participatory budgeting result straight from a pabulib file.

    manage.py pb_compute FILE.pb --rule greedy|mes [--utility cost|card] [--completion none|add1]
                         [--greedy skip|no-skip] [--min-votes N] [--explain]

Prints the funded project ids as a JSON list (in the order they were funded), then the total
cost; ``--explain`` adds one line per project saying why it was or was not funded.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.funding import pabulib, pb


class Command(BaseCommand):
    help = "Compute a participatory budgeting result from a pabulib .pb file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A pabulib .pb file with approval ballots.")
        parser.add_argument("--rule", choices=["greedy", "mes"], required=True)
        parser.add_argument(
            "--utility",
            choices=[u.value for u in pb.Utility],
            help="Equal shares only: cost (default) or card (cardinality) utilities.",
        )
        parser.add_argument(
            "--completion",
            choices=[c.value for c in pb.Completion],
            help="Equal shares only: none (default) or add1 (the add-one completion).",
        )
        parser.add_argument(
            "--greedy",
            choices=["skip", "no-skip"],
            help="Greedy only: go past a project that does not fit (skip, default) or stop.",
        )
        parser.add_argument(
            "--min-votes",
            type=int,
            help="Greedy only: leave out projects with fewer votes than this.",
        )
        parser.add_argument(
            "--explain", action="store_true", help="Say why each project was or was not funded."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rule = options["rule"]
        if rule == "greedy" and (options["utility"] or options["completion"]):
            raise CommandError("--utility and --completion are for --rule mes.")
        if rule == "mes" and (options["greedy"] or options["min_votes"] is not None):
            raise CommandError("--greedy and --min-votes are for --rule greedy.")
        min_votes = options["min_votes"] or 0
        if min_votes < 0:
            raise CommandError("--min-votes cannot be negative.")
        try:
            election = pabulib.read(options["file"])
        except pabulib.PabulibError as error:
            raise CommandError(str(error)) from None
        try:
            if rule == "greedy":
                result = pb.greedy(
                    election.instance,
                    election.profile,
                    skip=options["greedy"] != "no-skip",
                    min_votes=min_votes,
                )
            else:
                result = pb.equal_shares(
                    election.instance,
                    election.profile,
                    utility=pb.Utility(options["utility"] or pb.Utility.COST),
                    completion=pb.Completion(options["completion"] or pb.Completion.NONE),
                )
        except pb.InvalidElection as error:
            raise CommandError(str(error)) from None
        currency = election.currency
        self.stdout.write(json.dumps(list(result.funded)))
        self.stdout.write(
            f"Total cost: {pb.show_money(result.total_cost, currency)} "
            f"of {pb.show_money(result.budget, currency)} ({result.rule})"
        )
        if options["explain"]:
            for explanation in result.explanations.values():
                self.stdout.write(f"{explanation.project_id}: {explanation.describe(currency)}")
