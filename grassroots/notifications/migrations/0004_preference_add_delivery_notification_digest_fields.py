import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Step 1 of 3: add how each kind is delivered (beside the old email on/off), and what the
    digest job needs on each notification."""

    dependencies = [
        ("groups", "0001_initial"),
        ("places", "0001_initial"),
        ("notifications", "0003_notification_conversation"),
    ]

    operations = [
        migrations.AddField(
            model_name="preference",
            name="delivery",
            field=models.CharField(
                choices=[
                    ("immediately", "By email straight away"),
                    ("daily", "In a daily digest email"),
                    ("weekly", "In a weekly digest email"),
                    ("off", "No emails (on this site only)"),
                ],
                default="immediately",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="ward",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="places.ward",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="group",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="groups.group",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="awaiting_digest",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("awaiting_digest", True)),
                fields=["recipient", "id"],
                name="notification_digest_idx",
            ),
        ),
    ]
