"""Councillors' photos stored before uploads were cleaned kept their original names and
metadata: store clean copies under random names, delete the originals."""

from typing import Any

from django.db import migrations

from grassroots.core.images import reclean_stored


def clean_existing(apps: Any, schema_editor: Any) -> None:
    Councillor = apps.get_model("places", "Councillor")
    for councillor in Councillor.objects.exclude(photo="").iterator():
        reclean_stored(councillor, "photo")


class Migration(migrations.Migration):
    dependencies = [("places", "0004_councillor_photo_private")]

    operations = [migrations.RunPython(clean_existing, migrations.RunPython.noop)]
