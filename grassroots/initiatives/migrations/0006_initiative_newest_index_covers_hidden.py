"""The list's newest-first index also holds hidden_at, which the visibility rule now tests
(migration 0005), so a deep page's offset is still skipped in the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0005_initiative_add_hideable")]

    operations = [
        migrations.RemoveIndex(model_name="initiative", name="initiative_newest_idx"),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["-created_at", "-id"],
                include=("visibility", "hidden_at"),
                name="initiative_newest_cover_idx",
            ),
        ),
    ]
