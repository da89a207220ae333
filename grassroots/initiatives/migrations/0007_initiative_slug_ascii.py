"""Backfill: initiatives' slugs become what the URL patterns accept, and safeguarded ones say
nothing.

- A slug with a character the `<slug:>` converter refuses (the demo's "…-repair-café") made
  every list, map, feed and sitemap that linked to it a 500: it is spelt in ASCII, numbered if
  taken.
- A safeguarded initiative's slug was made from its title, so a public initiative with the same
  title got "…-2", telling anyone that a hidden one exists. Safeguarded initiatives now have a
  random slug ("private-…"), as `initiative_slug` gives new ones; stored links to them
  (notifications, safeguarding concerns) follow.

The next migration makes the database refuse a slug no URL pattern accepts.
"""

from typing import Any

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

from grassroots.core.slugs import is_slug, random_slug, unique_slug

RESERVED_SLUGS = frozenset({"create", "map", "feed", "search", "export", "api", "invitations"})


def ascii_slugs(apps: Any, schema_editor: Any) -> None:
    Initiative = apps.get_model("initiatives", "Initiative")
    Notification = apps.get_model("notifications", "Notification")
    SafeguardingConcern = apps.get_model("moderation", "SafeguardingConcern")
    taken = set(Initiative.objects.values_list("slug", flat=True))
    for initiative in Initiative.objects.order_by("pk"):
        old = initiative.slug
        if initiative.visibility == "safeguarded":
            if old.startswith("private-") and is_slug(old):
                continue
            new = random_slug(prefix="private", max_length=170)
        elif is_slug(old):
            continue
        else:
            taken.discard(old)
            new = unique_slug(
                old,
                max_length=170,
                fallback="initiative",
                taken=taken,
                reserved=RESERVED_SLUGS,
            )
        taken.add(new)
        initiative.slug = new
        initiative.save(update_fields=["slug"])
        before, after = Value(f"/initiatives/{old}/"), Value(f"/initiatives/{new}/")
        Notification.objects.filter(url__contains=f"/initiatives/{old}/").update(
            url=Replace("url", before, after)
        )
        SafeguardingConcern.objects.filter(item_url__contains=f"/initiatives/{old}/").update(
            item_url=Replace("item_url", before, after)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_initiative_newest_index_covers_hidden"),
        ("notifications", "0006_preference_remove_email"),
        ("moderation", "0001_reports_concerns_contacts_settings"),
    ]

    operations = [migrations.RunPython(ascii_slugs, migrations.RunPython.noop)]
