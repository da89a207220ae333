"""Reads about users: the roles a user holds right now, fetched in one query.

Being a council's safeguarding contact (moderation.SafeguardingContact linked to the account)
counts as a role here too: it needs two-factor authentication like the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from grassroots.accounts.models import OfficerPost, User
from grassroots.places.models import CouncillorTerm


@dataclass(frozen=True)
class Roles:
    councillor: bool
    officer: bool
    site_admin: bool
    moderator: bool
    has_totp: bool
    safeguarding_contact: bool = False

    @property
    def needs_mfa(self) -> bool:
        """Councillors, officers, site admins and safeguarding contacts must use two-factor
        authentication."""
        return self.councillor or self.officer or self.site_admin or self.safeguarding_contact

    @property
    def mfa_satisfied(self) -> bool:
        return self.has_totp or not self.needs_mfa


NO_ROLES = Roles(councillor=False, officer=False, site_admin=False, moderator=False, has_totp=False)


def user_roles(user: Any) -> Roles:
    """The roles `user` holds today, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ROLES
    cached: Roles | None = getattr(user, "_grassroots_roles", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    # Looked up by name: moderation's models import far more of the project than accounts may.
    contact_model = apps.get_model("moderation", "SafeguardingContact")
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            _cllr=Exists(CouncillorTerm.objects.filter(current, councillor__user=OuterRef("pk"))),
            _officer=Exists(OfficerPost.objects.filter(current, user=OuterRef("pk"))),
            _totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
            _safeguarding=Exists(contact_model.objects.filter(user=OuterRef("pk"))),
        )
        .values(
            "_cllr",
            "_officer",
            "_totp",
            "_safeguarding",
            "is_superuser",
            "is_staff",
            "is_moderator",
        )
        .first()
    )
    if row is None:
        return NO_ROLES
    roles = Roles(
        councillor=row["_cllr"],
        officer=row["_officer"],
        site_admin=row["is_superuser"] or row["is_staff"],
        moderator=row["is_moderator"],
        has_totp=row["_totp"],
        safeguarding_contact=row["_safeguarding"],
    )
    user._grassroots_roles = roles
    return roles
