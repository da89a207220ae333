# Agreed actions now live in the actions app (actions.ActionItem); its migration 0002 copied
# every row across before this one removes the old table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_conversation_access_backfill"),
        ("actions", "0002_copy_agreed_actions_and_action_items"),
    ]

    operations = [
        migrations.DeleteModel(name="AgreedAction"),
    ]
