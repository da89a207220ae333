"""Hand tasks that waited in the database while Redis was away to the RQ queue."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from grassroots.core import taskqueue


class Command(BaseCommand):
    help = (
        "Hand tasks queued while Redis was unreachable (kept in the database outbox) to the "
        "task queue, oldest first. Safe to run at any time, often, and in several places at "
        "once: a task handed over twice is one job, and a job runs once. RQ workers also do "
        "this every few seconds. With --check it fails while tasks still wait."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=taskqueue.RELAY_BATCH,
            help=f"Hand over at most this many tasks (default {taskqueue.RELAY_BATCH}).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with an error if tasks still wait afterwards (for monitoring).",
        )
        parser.add_argument(
            "--prune-days",
            type=int,
            default=None,
            help="Also forget run and email claims older than this many days (at least 7).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit: int = options["limit"]
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        prune_days: int | None = options["prune_days"]
        if prune_days is not None and prune_days < 7:
            raise CommandError(
                "--prune-days must be at least 7: a task delivered late must still find its claim."
            )
        outcome = taskqueue.relay(limit=limit)
        self.stdout.write(f"Relayed {outcome.relayed} task(s); {outcome.waiting} waiting.")
        if outcome.broken:
            self.stderr.write(
                f"{len(outcome.broken)} waiting task(s) name a task that no longer exists; "
                "see Core → tasks waiting for the queue in the admin."
            )
        if outcome.error:
            self.stderr.write(f"The task queue is still unavailable: {outcome.error}")
        if prune_days is not None:
            forgotten = taskqueue.prune(older_than=timedelta(days=prune_days))
            self.stdout.write(f"Forgot {forgotten} claim(s) older than {prune_days} days.")
        if options["check"] and outcome.waiting:
            raise CommandError(f"{outcome.waiting} task(s) still waiting for the queue.")
