"""Enforce: the database refuses an initiative slug no URL pattern accepts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0007_initiative_slug_ascii")]

    operations = [
        migrations.AddConstraint(
            model_name="initiative",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("slug__regex", "[^-a-zA-Z0-9_]"), _negated=True),
                    models.Q(("slug", ""), _negated=True),
                ),
                name="initiative_slug_is_url_slug",
                violation_error_message=(
                    "The slug must use only letters a to z, numbers, hyphens and underscores, "
                    "with no spaces or accents"
                ),
            ),
        )
    ]
