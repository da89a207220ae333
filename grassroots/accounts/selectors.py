"""Reads about users: the roles a user holds right now, fetched in one query.

Being a council's safeguarding contact (moderation.SafeguardingContact linked to the account)
counts as a role here too: it needs two-factor authentication like the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.types import Actor, Viewer
from grassroots.core import compiled
from grassroots.core.request_cache import cached
from grassroots.core.text import skeleton
from grassroots.places.models import Councillor, CouncillorTerm
from grassroots.places.selectors import councillor_id_subquery, know_councillor_id


@dataclass(frozen=True)
class Roles:
    councillor: bool
    officer: bool
    site_admin: bool
    moderator: bool
    has_totp: bool
    safeguarding_contact: bool = False
    editor: bool = False

    @property
    def needs_mfa(self) -> bool:
        """Councillors, officers, site admins, safeguarding contacts and editors (what they
        publish is read across the site) must use two-factor authentication."""
        return (
            self.councillor
            or self.officer
            or self.site_admin
            or self.safeguarding_contact
            or self.editor
        )

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


# The facts behind every role, as conditions on a User row. `user_roles()` reads them for one
# person; `moderator_q()`, `without_required_mfa_q()` and the *_ids() functions ask them of many
# people at once. Nothing else spells out who holds a role.


def _sits_as_councillor() -> Exists:
    return Exists(CouncillorTerm.objects.filter(_current(), councillor__user=OuterRef("pk")))


def _holds_officer_post() -> Exists:
    return Exists(OfficerPost.objects.filter(_current(), user=OuterRef("pk")))


def _has_totp() -> Exists:
    return Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))


def _safeguarding_contact() -> Exists:
    # Looked up by name: moderation's models import far more of the project than accounts may.
    contact_model = apps.get_model("moderation", "SafeguardingContact")
    return Exists(contact_model.objects.filter(user=OuterRef("pk")))


def _site_admin() -> Q:
    return Q(is_staff=True) | Q(is_superuser=True)


def moderator_q() -> Q:
    """Users who moderate (`accounts.rules.is_moderator`): the moderator flag, or a site admin
    with two-factor authentication set up."""
    return Q(is_active=True) & (Q(is_moderator=True) | (_site_admin() & Q(_has_totp())))


def without_required_mfa_q() -> Q:
    """Users who hold a role (moderators included) but have not set up two-factor
    authentication: `not user_roles(u).may_be_inside`. They get no insider access to
    safeguarded spaces until they do."""
    role = (
        Q(_sits_as_councillor())
        | Q(_holds_officer_post())
        | Q(_safeguarding_contact())
        | _site_admin()
        | Q(is_moderator=True)
        | Q(is_editor=True)
    )
    return role & ~Q(_has_totp())


def ids_without_required_mfa(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` match `without_required_mfa_q()`, in one query."""
    ids = list(user_ids)
    if not ids:
        return set()
    rows = User.objects.filter(pk__in=ids).filter(without_required_mfa_q())
    return set(rows.values_list("pk", flat=True))


def moderator_ids(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` are moderators (`moderator_q()`), in one query."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(User.objects.filter(pk__in=ids).filter(moderator_q()).values_list("pk", flat=True))


# What no shared value (`core.pagecache.shared`) keeps of a person: a row kept there is shown
# on other people's pages, which show nobody's sign-in details or postcode.
PRIVATE_USER_FIELDS = ("password", "email", "postcode")


def private_user_fields(*relations: str) -> list[str]:
    """For `QuerySet.defer()`: the private fields of the users at each of `relations`."""
    return [f"{relation}__{name}" for relation in relations for name in PRIVATE_USER_FIELDS]


def user_roles(user: Viewer) -> Roles:
    """The roles `user` holds today (remembered for the rest of the request)."""
    if not isinstance(user, User) or not user.is_active:  # nobody signed in, or deleted
        return NO_ROLES
    return cached(("accounts.roles", user.pk), lambda: _roles_of(user.pk))


def _roles_query(user_id: int) -> QuerySet[Any, Any]:
    return (
        User.objects.filter(pk=user_id)
        .annotate(
            _cllr=_sits_as_councillor(),
            _officer=_holds_officer_post(),
            _totp=_has_totp(),
            _safeguarding=_safeguarding_contact(),
            _councillor_id=councillor_id_subquery(OuterRef("pk")),
        )
        .values(
            "_cllr",
            "_officer",
            "_totp",
            "_safeguarding",
            "_councillor_id",
            "is_superuser",
            "is_staff",
            "is_moderator",
            "is_editor",
        )
        .order_by()[:1]
    )


def _roles_of(user_id: int) -> Roles:
    # Asked on every signed-in request: compiled once a day (the posts held today), as
    # building the four conditions cost more than answering them (core/compiled.py).
    found = compiled.fetch("accounts.roles", timezone.localdate(), User, _roles_query, user_id)
    if not found:
        return NO_ROLES
    # The same query answers which councillor the account is (places asks it on many pages).
    know_councillor_id(user_id, found[0].pop("_councillor_id"))
    row = {name: bool(value) for name, value in found[0].items()}
    return Roles(
        councillor=row["_cllr"],
        officer=row["_officer"],
        site_admin=row["is_superuser"] or row["is_staff"],
        moderator=row["is_moderator"],
        has_totp=row["_totp"],
        safeguarding_contact=row["_safeguarding"],
        editor=row["is_editor"],
    )


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
