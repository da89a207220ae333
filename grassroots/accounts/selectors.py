"""Reads about users: the roles a user holds right now, fetched in one query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
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

    @property
    def needs_mfa(self) -> bool:
        """Councillors, officers and site admins must use two-factor authentication."""
        return self.councillor or self.officer or self.site_admin

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
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            _cllr=Exists(CouncillorTerm.objects.filter(current, councillor__user=OuterRef("pk"))),
            _officer=Exists(OfficerPost.objects.filter(current, user=OuterRef("pk"))),
            _totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .values("_cllr", "_officer", "_totp", "is_superuser", "is_staff", "is_moderator")
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
    )
    user._grassroots_roles = roles
    return roles
