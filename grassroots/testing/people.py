"""Makers for the people of a test: residents, councillors, officers, moderators, site admins,
editors.

Councillors, officers, site admins and editors must use two-factor authentication on the site; the
makers give them a TOTP authenticator unless asked not to (`totp=False`).
"""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from grassroots.accounts.models import Department, User
from grassroots.accounts.tests.factories import (
    OfficerPostFactory,
    UserFactory,
)
from grassroots.accounts.tests.factories import make_editor as _make_editor
from grassroots.accounts.tests.factories import make_moderator as _make_moderator
from grassroots.accounts.tests.factories import make_site_admin as _make_site_admin
from grassroots.places.models import Ward
from grassroots.places.tests.factories import CouncillorTermFactory


def with_totp(user: User) -> User:
    """`user` with a TOTP authenticator set up, as after the two-factor setup page."""
    TOTP.activate(user, generate_totp_secret())
    return user


def make_resident(*, ward: Ward | None = None, name: str | None = None, email: str = "") -> User:
    """A signed-up resident, living in `ward` when one is given."""
    extra: dict[str, object] = {"ward": ward}
    if name:
        extra["display_name"] = name
    if email:
        extra["email"] = email
    user: User = UserFactory(**extra)
    return user


def make_councillor(
    ward: Ward | None = None,
    *,
    name: str | None = None,
    user: User | None = None,
    totp: bool = True,
) -> User:
    """A user holding a current term as councillor for `ward` (a new ward when None)."""
    user = user or UserFactory(**({"display_name": name} if name else {}))
    term: dict[str, object] = {"councillor__user": user}
    if ward is not None:
        term["ward"] = ward
    if name:
        term["councillor__name"] = name
    CouncillorTermFactory(**term)
    return with_totp(user) if totp else user


def make_officer(department: Department | None = None, *, totp: bool = True) -> User:
    """A user with an officer post in `department` (a new council's when None)."""
    post = OfficerPostFactory(**({"department": department} if department else {}))
    user: User = post.user
    return with_totp(user) if totp else user


def make_moderator(*, name: str | None = None) -> User:
    return _make_moderator(UserFactory(**({"display_name": name} if name else {})))


def make_site_admin(*, totp: bool = True) -> User:
    user = _make_site_admin()
    return with_totp(user) if totp else user


def make_editor(*, totp: bool = True) -> User:
    """A user with the editor flag (the guide and the courses)."""
    user = _make_editor()
    return with_totp(user) if totp else user
