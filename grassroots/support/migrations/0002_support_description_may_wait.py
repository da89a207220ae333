from typing import Any

from django.db import migrations, models


def clear_copied_questions(apps: Any, schema_editor: Any) -> None:
    """Taking a request used to copy the resident's question in as "what they will do".

    Those rows say nothing the councillor wrote: empty them, so the page says "Not said yet".
    """
    Support = apps.get_model("support", "Support")
    Support.objects.filter(
        help_request__isnull=False, description=models.F("help_request__message")
    ).update(description="")


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="support",
            name="description",
            field=models.TextField(blank=True, verbose_name="what you will do"),
        ),
        migrations.RunPython(clear_copied_questions, migrations.RunPython.noop, elidable=True),
    ]
