"""Who may do what with the directory's listings (rules predicates named `directory.<verb>`).

- `directory.suggest`, with a service (a correction) or None (a new listing): anyone signed in.
- `directory.review`, with a suggestion or None (the queue): editors (`accounts.rules.is_editor`).
- `directory.confirm`, with an organisation: its owner (the account on the listing), or an
  editor; confirming says the listing is still correct and sets its "last checked" date.

Reading approved listings needs no permission (`visibility.py`).
"""

from __future__ import annotations

import rules

from grassroots.accounts.rules import is_editor
from grassroots.accounts.types import Viewer
from grassroots.directory.models import Organization


@rules.predicate
def is_signed_in(user: Viewer) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def is_owner(user: Viewer, organization: Organization | None) -> bool:
    return (
        organization is not None
        and user.is_authenticated
        and user.is_active
        and organization.owner_id == user.pk
    )


rules.add_perm("directory.suggest", is_signed_in)
rules.add_perm("directory.review", is_editor)
rules.add_perm("directory.confirm", is_owner | is_editor)
