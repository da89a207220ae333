"""Enforce: the database refuses a council, ward or councillor slug no URL pattern accepts."""

from django.db import migrations, models


def _check(model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(
            models.Q(("slug__regex", "[^-a-zA-Z0-9_]"), _negated=True),
            models.Q(("slug", ""), _negated=True),
        ),
        name=f"{model}_slug_is_url_slug",
        violation_error_message=(
            "The slug must use only letters a to z, numbers, hyphens and underscores, with no "
            "spaces or accents"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("places", "0002_places_slugs_ascii")]

    operations = [
        migrations.AddConstraint(model_name="council", constraint=_check("council")),
        migrations.AddConstraint(model_name="councillor", constraint=_check("councillor")),
        migrations.AddConstraint(model_name="ward", constraint=_check("ward")),
    ]
