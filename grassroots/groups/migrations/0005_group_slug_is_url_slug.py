"""Enforce: the database refuses a group slug no URL pattern accepts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_group_slug_ascii")]

    operations = [
        migrations.AddConstraint(
            model_name="group",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("slug__regex", "[^-a-zA-Z0-9_]"), _negated=True),
                    models.Q(("slug", ""), _negated=True),
                ),
                name="group_slug_is_url_slug",
                violation_error_message=(
                    "The slug must use only letters a to z, numbers, hyphens and underscores, "
                    "with no spaces or accents"
                ),
            ),
        )
    ]
