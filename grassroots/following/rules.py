"""Who may follow what: anybody signed in, anything they can see; and stop following it.

See tests/test_rules_following.py.

Seeing is decided by `selectors.followable` (the safeguarding rules of initiatives and
conversations); the views answer a 404 for anything outside it, like a missing page.
"""

from __future__ import annotations

import rules
from django.db.models import Model

from grassroots.accounts.types import Viewer
from grassroots.following import selectors


@rules.predicate
def signed_in(user: Viewer) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def can_see(user: Viewer, target: Model | None) -> bool:
    if target is None:
        return False
    try:
        kind = selectors.kind_of(target)
    except ValueError:
        return False
    return selectors.followable(user, kind, target.pk) is not None


rules.add_perm("following.follow", signed_in & can_see)
# Anybody signed in may stop following, even what they can no longer see (only their own
# follow is touched: the services filter by the person).
rules.add_perm("following.unfollow", signed_in)
