"""Writing to the audit log: the one way services record who did what."""

from __future__ import annotations

from typing import Any

from django.db import models

from grassroots.core.models import AuditEntry


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model,
    summary: str,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry describing `action` on `obj` by `actor` (None for the system)."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        data=data or {},
    )
