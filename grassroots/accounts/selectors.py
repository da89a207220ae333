"""Reads about users: the roles a user holds right now, fetched in one query.

Being a council's safeguarding contact (moderation.SafeguardingContact linked to the account)
counts as a role here too: it needs two-factor authentication like the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.types import Actor, Viewer
from grassroots.core.text import skeleton
from grassroots.places.models import Councillor, CouncillorTerm


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

    @property
    def may_be_inside(self) -> bool:
        """Whether safeguarded spaces may let this person in. Anyone holding a role must use
        two-factor authentication for that: moderators too, although (unlike the roles in
        `needs_mfa`) the rest of the site does not make them set it up."""
        return self.has_totp or not (self.needs_mfa or self.moderator)


NO_ROLES = Roles(councillor=False, officer=False, site_admin=False, moderator=False, has_totp=False)


def _current() -> Q:
    today = timezone.localdate()
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def ids_without_required_mfa(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` hold a role (moderators included) but have not set up two-factor
    authentication, in one query: the bulk twin of `not user_roles(u).may_be_inside`.
    Such people get no insider access to safeguarded spaces until they do."""
    ids = list(user_ids)
    if not ids:
        return set()
    contact_model = apps.get_model("moderation", "SafeguardingContact")
    current = _current()
    role = (
        Q(Exists(CouncillorTerm.objects.filter(current, councillor__user=OuterRef("pk"))))
        | Q(Exists(OfficerPost.objects.filter(current, user=OuterRef("pk"))))
        | Q(Exists(contact_model.objects.filter(user=OuterRef("pk"))))
        | Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(is_moderator=True)
    )
    totp = Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))
    return set(
        User.objects.filter(pk__in=ids).filter(role).exclude(totp).values_list("pk", flat=True)
    )


def user_roles(user: Viewer) -> Roles:
    """The roles `user` holds today, cached on the user object for the rest of the request."""
    if not isinstance(user, User) or not user.is_active:  # nobody signed in, or deleted
        return NO_ROLES
    cached: Roles | None = getattr(user, "_grassroots_roles", None)
    if cached is not None:
        return cached
    current = _current()
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
    setattr(user, "_grassroots_roles", roles)  # noqa: B010 (no such field on the model)
    return roles


def is_sitting_councillors_name(name: str, *, user: Viewer | None = None) -> bool:
    """Whether `name` reads the same as a sitting councillor's name (ignoring case, spacing,
    accents, look-alike letters and a "Cllr" in front), unless that councillor is `user`.
    One query: the councillors whose name shares the last word, compared in Python."""
    wanted = skeleton(name)
    if not wanted:
        return False
    last = wanted.split()[-1]
    current = CouncillorTerm.objects.current(timezone.localdate()).filter(councillor=OuterRef("pk"))
    candidates = Councillor.objects.filter(Exists(current), name__icontains=last)
    if isinstance(user, User) and user.pk is not None:
        candidates = candidates.exclude(user_id=user.pk)
    titles = ("cllr ", "councillor ", "dr ", "mr ", "mrs ", "ms ", "miss ")
    for councillor_name in candidates.values_list("name", flat=True):
        theirs = skeleton(councillor_name)
        for title in titles:
            theirs = theirs.removeprefix(title)
        if theirs == wanted or skeleton(councillor_name) == wanted:
            return True
    return False


def notice_name(user: Actor) -> str:
    """How a person is named in notifications, and so in the emails made from them: what they
    are, from their verified role, always beside the name they chose, so that a display name can
    never pass for a councillor or an officer ("Sam (resident)", "Priya Patel (councillor)": a
    councillor by the name on the council's record, not their display name)."""
    roles = user_roles(user)
    if roles.councillor:
        official = Councillor.objects.filter(user=user).values_list("name", flat=True).first()
        if official:
            return _("%(name)s (councillor)") % {"name": official}
    if roles.officer:
        return _("%(name)s (council officer)") % {"name": user.public_name}
    return _("%(name)s (resident)") % {"name": user.public_name}
