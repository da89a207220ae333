from django.db import migrations


class Migration(migrations.Migration):
    """Step 3 of 3: the on/off field is replaced by delivery."""

    dependencies = [
        ("notifications", "0005_preference_backfill_delivery_from_email"),
    ]

    operations = [
        migrations.RemoveField(model_name="preference", name="email"),
    ]
