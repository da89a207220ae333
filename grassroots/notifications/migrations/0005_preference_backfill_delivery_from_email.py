from typing import Any

from django.db import migrations


def email_to_delivery(apps: Any, schema_editor: Any) -> None:
    """Email on → "immediately" (the field's default already), email off → "off"."""
    Preference = apps.get_model("notifications", "Preference")
    Preference.objects.filter(email=False).update(delivery="off")
    Preference.objects.filter(email=True).update(delivery="immediately")


def delivery_to_email(apps: Any, schema_editor: Any) -> None:
    """Going back: anything that still sends email (at once or in a digest) is "on"."""
    Preference = apps.get_model("notifications", "Preference")
    Preference.objects.filter(delivery="off").update(email=False)
    Preference.objects.exclude(delivery="off").update(email=True)


class Migration(migrations.Migration):
    """Step 2 of 3: copy each person's email on/off choice into the new delivery field."""

    dependencies = [
        ("notifications", "0004_preference_add_delivery_notification_digest_fields"),
    ]

    operations = [migrations.RunPython(email_to_delivery, delivery_to_email)]
