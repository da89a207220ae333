"""Scheduled work for notifications: the digests (run by cron or the task worker)."""

from __future__ import annotations

from django_tasks import task

from grassroots.notifications.digests import digests_send
from grassroots.notifications.models import Delivery


@task()
def send_daily_digests() -> int:
    """Send every waiting daily digest; returns how many emails were queued."""
    return digests_send(frequency=Delivery.DAILY).emails


@task()
def send_weekly_digests() -> int:
    """Send every waiting weekly digest; returns how many emails were queued."""
    return digests_send(frequency=Delivery.WEEKLY).emails
