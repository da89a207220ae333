"""Who may do what in moderation (rules predicates; see tests/test_rules_moderation.py).

- Anyone signed in may report what they can see (`targets.can_see`; the view answers 404
  for what they cannot).
- Moderators (and site admins, who are moderators too) work the queue: hide, restore, dismiss,
  approve or reject held replies. Councillors and officers are participants, never moderators.
- A safeguarding concern is seen only by the safeguarding contacts of its council who are
  linked to an account, and by site admins. Moderators as such do not see concerns. Like the
  other roles, a contact's powers need two-factor authentication (the middleware sends them to
  set it up first).
- From a concern's page, the same people may hide the item it is about (`hide_concern_item`):
  a moderator who is not a contact of that council may not, even though moderators hide
  reported items in the queue; safeguarded content is never theirs to see. The same people
  may show it again (`restore_concern_item`): otherwise only the Django admin could, as
  moderators may not touch safeguarded content.
- Only site admins export the moderation audit log.
"""

from __future__ import annotations

import rules

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_moderator, is_site_admin
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Viewer
from grassroots.moderation import targets
from grassroots.moderation.models import SafeguardingConcern, SafeguardingContact


@rules.predicate
def is_safeguarding_contact(user: Viewer) -> bool:
    """A safeguarding contact of some council, with TOTP set up (no query: the cached roles)."""
    roles = user_roles(user)
    return roles.safeguarding_contact and roles.has_totp


@rules.predicate
def is_contact_for_concern(user: Viewer, concern: SafeguardingConcern | None) -> bool:
    if not isinstance(user, User) or concern is None or concern.council_id is None:
        return False
    if not is_safeguarding_contact(user):
        return False
    return SafeguardingContact.objects.filter(user=user, council_id=concern.council_id).exists()


@rules.predicate
def sees_item(user: Viewer, item: object) -> bool:
    """`item` (a reply, conversation, initiative or event) is on the pages `user` sees."""
    return item is not None and targets.can_see(user, item)


rules.add_perm("moderation.report", rules.is_authenticated & sees_item)
rules.add_perm("moderation.view_queue", is_moderator)
rules.add_perm("moderation.decide", is_moderator)
rules.add_perm("moderation.view_concerns", is_site_admin | is_safeguarding_contact)
rules.add_perm("moderation.view_concern", is_site_admin | is_contact_for_concern)
rules.add_perm("moderation.handle_concern", is_site_admin | is_contact_for_concern)
rules.add_perm("moderation.hide_concern_item", is_site_admin | is_contact_for_concern)
rules.add_perm("moderation.restore_concern_item", is_site_admin | is_contact_for_concern)
rules.add_perm("moderation.export_audit", is_site_admin)
