from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from grassroots.events import services


class Command(BaseCommand):
    help = (
        "Email everyone going to an event that starts in the next 24 hours. Each event is "
        "reminded once (reminder_sent_at), so running it hourly, or twice, is safe."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.event_reminders_send()
        self.stdout.write(f"Sent reminders for {count} event(s).")
