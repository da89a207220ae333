"""Scheduled work for councillor support (run daily by cron or the task worker)."""

from __future__ import annotations

from django_tasks import task

from grassroots.support import services


@task()
def remind_help_requests() -> int:
    """Flag and re-notify help requests unanswered after the configured working days."""
    return services.help_requests_remind()


@task()
def flag_overdue_cases() -> int:
    """Flag advocacy cases past their wanted-by date to the department and the councillor."""
    return services.cases_flag_overdue()
