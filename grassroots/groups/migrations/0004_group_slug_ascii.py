"""Backfill: groups' slugs become what the URL patterns accept ("café" → "cafe", numbered if
taken). The next migration makes the database refuse any other."""

from typing import Any

from django.db import migrations

from grassroots.core.slugs import is_slug, unique_slug


def ascii_slugs(apps: Any, schema_editor: Any) -> None:
    Group = apps.get_model("groups", "Group")
    taken = set(Group.objects.values_list("slug", flat=True))
    for group in Group.objects.order_by("pk"):
        if is_slug(group.slug):
            continue
        taken.discard(group.slug)
        group.slug = unique_slug(group.slug, max_length=120, fallback="group", taken=taken)
        taken.add(group.slug)
        group.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("groups", "0003_group_archived_at")]

    operations = [migrations.RunPython(ascii_slugs, migrations.RunPython.noop)]
