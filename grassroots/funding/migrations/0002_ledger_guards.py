"""The database holds the ledger's rules too: append-only entries and transactions, and (on
PostgreSQL) every transaction balanced at commit. See `grassroots/funding/ledger_guard.py`."""

from django.db import migrations

from grassroots.funding import ledger_guard


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(ledger_guard.install, ledger_guard.remove, elidable=False),
    ]
