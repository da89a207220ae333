"""The service boundary: one error family and one permission check for every app's services.

Every public service function checks its own permission with `require()` before it changes
anything, so each way in (a page, the API, a task, the demo) gets the same answer. Views only
translate: `PermissionDenied` becomes Django's 403 page, `ServiceError` a message beside the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Model

if TYPE_CHECKING:
    from grassroots.accounts.types import Viewer


class ServiceError(Exception):
    """A request that cannot be done in the current state; `message` is written for the user.

    `url`, when given, is where the user can see what stands in the way (the message links to it).
    """

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return str(self.message)


def require(actor: Viewer, perm: str, obj: Model | None = None) -> None:
    """Raise `PermissionDenied` unless `actor` holds `perm` (a rule in some app's `rules.py`)
    on `obj`."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)
