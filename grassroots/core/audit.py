"""Writing to the audit log: the one way services record who did what."""

from __future__ import annotations

from typing import Any

from django.db import models

from grassroots.core.models import AuditEntry
from grassroots.core.types import Someone


def audit_record(
    *,
    actor: Someone | None,
    action: str,
    obj: models.Model,
    summary: str,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry describing `action` on `obj` by `actor` (None for the system)."""
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        data=data or {},
    )
