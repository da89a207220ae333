"""Who may see an initiative: the one definition every surface uses.

A public initiative is visible to everybody. A safeguarded one (for example on domestic abuse
or mental health) is visible only to the people inside it:
- its approved members (leads included), and people its leads have invited to join while
  the invitation waits for their answer (so they can decide; turned down or withdrawn, and
  they are outside again);
- whoever an app above this one lets in through `add_insider_grant()`: the support app lets in
  councillors supporting it (support offered, planned, in progress or done; invited by its
  leads; or representing one of its wards while a help request waits), only while they hold a
  current term.

Anyone holding a role that needs two-factor authentication gets none of this insider access
until they have set it up (an ex-councillor holds no role: a password is enough for what they
still see as a member).

An initiative a moderator has hidden is seen only by its leads (with a banner saying why) and
by moderators who could otherwise see it; to everybody else it is as if it did not exist.

Everybody else gets exactly what they would get for an initiative that does not exist: no
page (404), no row in any list, count, search, map, feed, sitemap, API answer, export or
notification. The three forms of the rule (see `core.visibility`) are `can_view()` for one
person and one initiative, `visible_initiatives()` for lists, and `viewers()` /
`viewers_of()` for the people a notification may reach. Never test `visibility` by hand.

The insider grants are `Exists` conditions, costly to build and to run in every list. So the
rule is asked of them once for each signed-in person, over the few restricted initiatives
only (`restricted_visible_ids()`, kept for the page generation), and the list forms for a
signed-in viewer are flat: public, or one of those ids (`visible_initiatives()`,
`of_visible()`). Someone who sees very many restricted initiatives (a moderator) gets the
subquery instead of the ids, so the SQL stays short.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_moderator
from grassroots.accounts.selectors import moderator_q, user_roles, without_required_mfa_q
from grassroots.accounts.types import Viewer
from grassroots.core import pagecache
from grassroots.core import visibility as core
from grassroots.core.request_cache import cached, remember, scoped
from grassroots.initiatives.models import (
    INSIDER_STATUSES,
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Visibility,
)

# --- Grants: conditions relating a person and an initiative (see core.visibility) -----------

# A person or an initiative in a grant: a row, or the row of the query it is placed in.
PersonRef: TypeAlias = User | OuterRef
InitiativeRef: TypeAlias = Initiative | OuterRef
InsiderGrant: TypeAlias = core.Grant[PersonRef, InitiativeRef]


def _member(person: PersonRef, initiative: InitiativeRef) -> Q:
    """An approved member, or invited to join while the invitation waits."""
    rows = Membership.objects.filter(
        initiative=initiative, user=person, status__in=INSIDER_STATUSES
    )
    return Q(Exists(rows))


def _lead(person: PersonRef, initiative: InitiativeRef) -> Q:
    rows = Membership.objects.filter(
        initiative=initiative,
        user=person,
        role=MemberRole.LEAD,
        status=MembershipStatus.APPROVED,
    )
    return Q(Exists(rows))


_insider_grants: list[InsiderGrant] = [_member]


def add_insider_grant(grant: InsiderGrant) -> None:
    """Let another app (above this one in the layers) say who else is inside a safeguarded
    initiative; called from that app's `AppConfig.ready()`. The grant is asked as
    grant(person, initiative), each side a row or `core.outer()`."""
    if grant not in _insider_grants:
        _insider_grants.append(grant)


def _inside(person: PersonRef, initiative: InitiativeRef) -> Q:
    return core.any_grant(_insider_grants, person, initiative)


# --- One person, many initiatives ------------------------------------------------------------


def _signed_in(viewer: Viewer | None) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def public_q() -> Q:
    """What every visitor sees: public and not hidden (anonymous visitors, feeds, sitemaps)."""
    return Q(visibility=Visibility.PUBLIC, hidden_at__isnull=True)


def insider_condition(viewer: Viewer) -> Q:
    """Q matching the initiatives `viewer` is inside of, whatever their visibility (the
    conversations rule asks it about public initiatives too, for their safeguarded
    conversations). Nothing for someone holding a role without two-factor authentication."""
    if not _signed_in(viewer) or not user_roles(viewer).may_be_inside:
        return core.nothing()
    assert not isinstance(viewer, AnonymousUser)
    return _inside(viewer, core.outer())


def _by_rule(viewer: Viewer, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The rule itself, for a signed-in `viewer`: the insider grants as `Exists` conditions.
    Read only to draw `restricted_visible_ids()` and for viewers who see too many of them."""
    assert not isinstance(viewer, AnonymousUser)
    public = Q(visibility=Visibility.PUBLIC)
    seen = public | (Q(visibility=Visibility.SAFEGUARDED) & insider_condition(viewer))
    if not is_moderator(viewer):
        seen &= Q(hidden_at__isnull=True) | _lead(viewer, core.outer())
    return queryset.filter(seen)


def _or_restricted_seen(public: Q, viewer: Viewer, field: str) -> Q:
    """`public`, or `field` is one of the restricted initiatives `viewer` sees: a short IN list
    of their ids, or, for a very long list, the subquery that finds them."""
    return core.public_or_seen(
        public,
        field,
        restricted_visible_ids(viewer),
        lambda: _by_rule(viewer, Initiative.objects.filter(restricted_q())),
    )


@scoped
def visible_initiatives(
    viewer: Viewer | None, queryset: QuerySet[Initiative] | None = None
) -> QuerySet[Initiative]:
    """The initiatives `viewer` may know exist (anonymous visitors: public ones only).

    For a signed-in viewer a flat condition: public, or one of `restricted_visible_ids()`."""
    qs = queryset if queryset is not None else Initiative.objects.all()
    if viewer is None or not _signed_in(viewer):
        return qs.filter(public_q())
    return qs.filter(_or_restricted_seen(public_q(), viewer, "pk"))


def restricted_q() -> Q:
    """The initiatives that are not public (safeguarded, or hidden by a moderator): few, and
    read from their own partial index (`initiative_restricted_idx`)."""
    return ~public_q()


@scoped
def of_visible(viewer: Viewer | None, field: str = "initiative") -> Q:
    """Q on a model with a foreign key `field` to Initiative: that initiative is one `viewer`
    may see (the same answer as `field__in=visible_initiatives(viewer)`).

    Written for the planner: the public part is a condition on the joined initiative row (a
    primary-key probe for each row the query reaches, no subquery), and the few restricted
    initiatives the viewer sees are a short IN list of ids (`restricted_visible_ids()`). A
    NULL `field` matches neither part."""
    public = Q(**{f"{field}__visibility": Visibility.PUBLIC, f"{field}__hidden_at__isnull": True})
    if viewer is None or not _signed_in(viewer):
        return public
    return _or_restricted_seen(public, viewer, field)


def restricted_visible_ids(viewer: Viewer | None) -> tuple[int, ...]:
    """The restricted initiatives (`restricted_q()`: safeguarded, or hidden by a moderator)
    that `viewer` may see, in id order; none for signed-out visitors.

    With the public ones they are exactly what the rule shows `viewer`, since every signed-in
    person sees every public initiative: `visible_initiatives()`, `of_visible()` and
    `can_view()` read them rather than the rule's own conditions (one query a request, or
    none while the page cache keeps them). So two people with the same answer see the same
    initiatives everywhere, and the answer is what a list drawn for one person may be shared
    under (`core.pagecache.shared`). Kept for the generation: it depends on public tables, the
    person's roles (two-factor authentication lives in a private table, so the roles are in
    the key) and today's date (councillors' terms)."""
    if viewer is None or not _signed_in(viewer):
        return ()
    assert not isinstance(viewer, AnonymousUser)
    roles = user_roles(viewer)
    parts = (viewer.pk, roles.may_be_inside, roles.moderator, timezone.localdate().isoformat())

    def draw() -> tuple[int, ...]:
        seen = _by_rule(viewer, Initiative.objects.filter(restricted_q()))
        return tuple(seen.order_by("pk").values_list("pk", flat=True))

    return pagecache.shared("initiatives.restricted_visible", parts, draw, keep=lambda ids: not ids)


# --- One person, one initiative --------------------------------------------------------------


def is_public(initiative: Initiative) -> bool:
    """Seen by everybody (`public_q()` for one initiative in memory)."""
    return initiative.visibility == Visibility.PUBLIC and initiative.hidden_at is None


@scoped
def can_view(viewer: Viewer | None, initiative: Initiative) -> bool:
    if is_public(initiative):
        return True
    if viewer is None or not _signed_in(viewer):
        return False
    pk = initiative.pk
    return cached(
        ("initiatives.can_view", viewer.pk, pk), lambda: pk in restricted_visible_ids(viewer)
    )


def remember_visible(viewer: Viewer | None, initiative: Initiative) -> None:
    """Note for the rest of the request that `initiative`, fetched through
    `visible_initiatives(viewer)`, is visible to `viewer` (saves `can_view()` a query)."""
    if viewer is not None and _signed_in(viewer):
        remember(("initiatives.can_view", viewer.pk, initiative.pk), True)


# --- Many people, one or many initiatives ----------------------------------------------------


def people_q(initiative: Initiative, *, insiders_only: bool = False) -> Q:
    """Q on users: who may see `initiative`. With `insiders_only`, who may see it if it were
    safeguarded (a safeguarded conversation of a public initiative is for its insiders)."""
    seen = Q(is_active=True)
    if initiative.is_safeguarded or insiders_only:
        seen &= ~without_required_mfa_q() & _inside(core.outer(), initiative)
    if initiative.hidden_at is not None:
        seen &= _lead(core.outer(), initiative) | moderator_q()
    return seen


def viewers_of(initiatives: Iterable[Initiative], user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each initiative, which of `user_ids` may see it: one query for all the restricted
    ones (safeguarded or hidden), one for the rest."""
    return core.viewers_of(
        initiatives, user_ids, restricted=lambda i: not is_public(i), people=people_q
    )


def viewers(initiative: Initiative, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `initiative`, in one query."""
    return viewers_of([initiative], user_ids)[initiative.pk]
