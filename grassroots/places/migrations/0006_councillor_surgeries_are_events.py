from typing import Any

from django.db import migrations


def keep_the_words_in_the_audit_log(apps: Any, schema_editor: Any) -> None:
    """The free-text "surgeries" field had no dates, so it cannot become events. Before the
    column goes, each councillor's words are written to the audit log, so an admin can still
    read them and put the surgeries on as events (the one source from now on)."""
    Councillor = apps.get_model("places", "Councillor")
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="councillor.surgeries_text_retired",
            object_type="places.councillor",
            object_id=str(pk),
            summary=f"Surgeries text of {name} before surgeries became events"[:500],
            data={"surgeries": text},
        )
        for pk, name, text in Councillor.objects.exclude(surgeries="").values_list(
            "pk", "name", "surgeries"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("places", "0005_councillor_photo_clean_existing"),
    ]

    operations = [
        migrations.RunPython(keep_the_words_in_the_audit_log, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="councillor",
            name="surgeries",
        ),
    ]
