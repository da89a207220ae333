"""Who may do what with notifications (rules predicates; see tests/test_service_permissions.py).

Everybody's notifications and email settings are their own:

- `notifications.mark_read` — the recipient, with the notification as the object;
- `notifications.mark_all_read` — the person whose inbox it is (the object is that person);
- `notifications.change_preferences` — the person whose settings they are (likewise).

A one-click unsubscribe link needs no sign-in: the signed token in it stands for the person
(`unsubscribe.read_token`), so `services.preferences_unsubscribe` asks no rule.
"""

from __future__ import annotations

import rules

from grassroots.accounts.rules import is_self
from grassroots.accounts.types import Viewer
from grassroots.notifications.models import Notification


@rules.predicate
def signed_in(user: Viewer) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def is_recipient(user: Viewer, notification: Notification | None) -> bool:
    return (
        isinstance(notification, Notification)
        and user.pk is not None
        and notification.recipient_id == user.pk
    )


rules.add_perm("notifications.mark_read", signed_in & is_recipient)
rules.add_perm("notifications.mark_all_read", signed_in & is_self)
rules.add_perm("notifications.change_preferences", signed_in & is_self)
