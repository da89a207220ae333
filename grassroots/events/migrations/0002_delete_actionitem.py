# Action items from minutes now live in the actions app (actions.ActionItem); its migration
# 0002 copied every row across before this one removes the old table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("actions", "0002_copy_agreed_actions_and_action_items"),
    ]

    operations = [
        migrations.DeleteModel(name="ActionItem"),
    ]
