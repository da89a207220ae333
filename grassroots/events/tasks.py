"""Scheduled work for events (run hourly by cron or the task worker)."""

from __future__ import annotations

from django_tasks import task

from grassroots.events import services


@task()
def send_event_reminders() -> int:
    """Remind everyone going to an event that starts within a day (once per event)."""
    return services.event_reminders_send()
