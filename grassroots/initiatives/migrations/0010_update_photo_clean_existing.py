"""Photos stored before uploads were cleaned had their original names and metadata (GPS
included) and sat at guessable paths: store clean copies under random names, delete the
originals."""

from typing import Any

from django.db import migrations

from grassroots.core.images import reclean_stored


def clean_existing(apps: Any, schema_editor: Any) -> None:
    Update = apps.get_model("initiatives", "Update")
    for update in Update.objects.exclude(photo="").iterator():
        reclean_stored(update, "photo")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0009_update_photo_private")]

    operations = [migrations.RunPython(clean_existing, migrations.RunPython.noop)]
