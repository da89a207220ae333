"""Backfill: councils', wards' and councillors' slugs become what the URL patterns accept.

A slug with a character the `<slug:>` converter refuses (say "café") made every link to its page
a 500. Such slugs are spelt in ASCII ("cafe"), numbered if that is taken. The next migration
makes the database refuse them.
"""

from typing import Any

from django.db import migrations

from grassroots.core.slugs import is_slug, unique_slug


def ascii_slugs(apps: Any, schema_editor: Any) -> None:
    Council = apps.get_model("places", "Council")
    Ward = apps.get_model("places", "Ward")
    Councillor = apps.get_model("places", "Councillor")
    for model, fallback in ((Council, "council"), (Councillor, "councillor")):
        taken = set(model.objects.values_list("slug", flat=True))
        for row in model.objects.order_by("pk"):
            if is_slug(row.slug):
                continue
            taken.discard(row.slug)
            row.slug = unique_slug(row.slug, max_length=200, fallback=fallback, taken=taken)
            taken.add(row.slug)
            row.save(update_fields=["slug"])
    # A ward's slug is unique among its council's current wards.
    for ward in Ward.objects.order_by("pk"):
        if is_slug(ward.slug):
            continue
        siblings = Ward.objects.filter(council_id=ward.council_id, retired_at__isnull=True)
        taken = set(siblings.exclude(pk=ward.pk).values_list("slug", flat=True))
        ward.slug = unique_slug(ward.slug, max_length=200, fallback="ward", taken=taken)
        ward.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(ascii_slugs, migrations.RunPython.noop)]
