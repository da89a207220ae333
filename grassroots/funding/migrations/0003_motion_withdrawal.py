"""A motion that will not reach a decision can be withdrawn: the outcome `withdrawn` and the
reason given. The closed-motion trigger (`ledger_guard.py`) is made again to cover the reason
too. SQLite rebuilds the table to change it, so its triggers are lifted first and made again
after (see `ledger_guard.lift_motion_guards`)."""

from django.db import migrations, models

from grassroots.funding import ledger_guard


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_ledger_guards"),
    ]

    operations = [
        migrations.RunPython(
            ledger_guard.lift_motion_guards, ledger_guard.restore_motion_guards, elidable=False
        ),
        migrations.RemoveConstraint(
            model_name="motion",
            name="motion_outcome_when_closed",
        ),
        migrations.AddField(
            model_name="motion",
            name="withdrawal_reason",
            field=models.TextField(blank=True, verbose_name="why it was withdrawn"),
        ),
        migrations.AlterField(
            model_name="motion",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[("passed", "Passed"), ("failed", "Not passed"), ("withdrawn", "Withdrawn")],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="motion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closed_at__isnull", True), ("outcome", "")),
                    models.Q(
                        ("closed_at__isnull", False),
                        ("outcome__in", ["passed", "failed", "withdrawn"]),
                    ),
                    _connector="OR",
                ),
                name="motion_outcome_when_closed",
            ),
        ),
        migrations.AddConstraint(
            model_name="motion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("outcome", "withdrawn"),
                        models.Q(("withdrawal_reason", ""), _negated=True),
                    ),
                    models.Q(
                        models.Q(("outcome", "withdrawn"), _negated=True),
                        ("withdrawal_reason", ""),
                    ),
                    _connector="OR",
                ),
                name="motion_withdrawal_has_reason",
            ),
        ),
        migrations.RunPython(
            ledger_guard.install_withdrawal_guard,
            ledger_guard.remove_withdrawal_guard,
            elidable=False,
        ),
    ]
