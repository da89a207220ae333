import hashlib
import unicodedata
from typing import Any

from django.conf import settings
from django.db import migrations, models


def _key(message: str) -> str:
    # A frozen copy of support.models.help_message_key as it was when this ran.
    words = " ".join(unicodedata.normalize("NFKC", message).casefold().split())
    return hashlib.sha256(words.strip(" .!?").encode()).hexdigest()


def backfill_keys(apps: Any, schema_editor: Any) -> None:
    """Fingerprint every request; of identical ones still waiting, keep the first.

    The later copies are the double submissions this constraint now prevents: they are marked
    withdrawn (never deleted), so the councillors see one request, as the person meant.
    """
    HelpRequest = apps.get_model("support", "HelpRequest")
    seen: set[tuple[int, int, str]] = set()
    for request in HelpRequest.objects.order_by("created_at", "pk").iterator():
        request.message_key = _key(request.message)
        fields = ["message_key"]
        if request.status == "waiting":
            identity = (request.initiative_id, request.requested_by_id, request.message_key)
            if identity in seen:
                request.status = "withdrawn"
                fields.append("status")
            seen.add(identity)
        request.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_initiative_newest_index_covers_hidden"),
        ("places", "0001_initial"),
        ("support", "0002_support_description_may_wait"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="message_key",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(backfill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="helprequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "waiting"), models.Q(("message_key", ""), _negated=True)),
                fields=("initiative", "requested_by", "message_key"),
                name="helprequest_one_waiting_per_question",
            ),
        ),
    ]
