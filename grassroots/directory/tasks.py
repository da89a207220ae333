"""Scheduled work for the directory (daily, by cron or the task worker)."""

from __future__ import annotations

from django_tasks import task

from grassroots.directory import services


@task()
def ask_directory_owners() -> int:
    """Ask owners of listings last checked over a year ago to confirm them, once."""
    return services.owners_ask()
