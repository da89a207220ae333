"""Who may do what with accounts and roles (rules predicates; see the matrix tests)."""

from __future__ import annotations

import rules
from django.db.models import Model

from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Viewer


@rules.predicate
def is_councillor(user: Viewer) -> bool:
    """Holds a current councillor term and has MFA set up."""
    roles = user_roles(user)
    return roles.councillor and roles.has_totp


@rules.predicate
def is_officer(user: Viewer) -> bool:
    roles = user_roles(user)
    return roles.officer and roles.has_totp


@rules.predicate
def is_site_admin(user: Viewer) -> bool:
    roles = user_roles(user)
    return roles.site_admin and roles.has_totp


@rules.predicate
def is_editor(user: Viewer) -> bool:
    """Writes the guide and the courses (the flag a site admin sets) and has MFA set up."""
    roles = user_roles(user)
    return roles.editor and roles.has_totp


@rules.predicate
def is_moderator(user: Viewer) -> bool:
    return user_roles(user).moderator or bool(is_site_admin(user))


@rules.predicate
def is_self(user: Viewer, other: Model | None) -> bool:
    return bool(user.is_authenticated and other is not None and user.pk == other.pk)


rules.add_perm("accounts.edit_profile", rules.is_authenticated & is_self)
rules.add_perm("accounts.delete_account", rules.is_authenticated & is_self)
rules.add_perm("accounts.export_data", rules.is_authenticated & is_self)
rules.add_perm("accounts.grant_roles", is_site_admin)
