"""Who may do what with neighbourhood funds (rules predicates).

Seats on a partnership (`Membership` with `left_on` empty) carry the powers: any current member
declares interests, proposes motions and votes (unless they declared an interest in the
application); the chair closes a motion; the treasurer (the locally trusted organisation's
hands on the money) records payments, variations, closings, returns and corrections. A
partnership role is not a site role, so none of these asks for two-factor authentication; site
admins (who have it) may see everything but decide and pay nothing.

The applicant side: an initiative's acting leads (`initiatives.edit_initiative`) or a group's
organisers apply for money and withdraw an application before it is decided.

Predicates remember their look-ups for the request (`core.request_cache`), so a page asking
many questions costs a fixed number of queries.
"""

from __future__ import annotations

from typing import TypeGuard

import rules
from django.db.models import Model

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.funding.models import (
    Application,
    Declaration,
    Grant,
    MemberRole,
    Membership,
    Motion,
    Partnership,
)
from grassroots.groups.models import Group
from grassroots.groups.rules import is_group_organiser
from grassroots.initiatives.models import Initiative


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def partnership_of(obj: object) -> Partnership | None:
    """The partnership deciding about `obj` (a partnership, fund, application, motion, grant)."""
    if isinstance(obj, Partnership):
        return obj
    if isinstance(obj, Motion):
        return obj.application.fund.partnership
    if isinstance(obj, Application | Grant):
        return obj.fund.partnership
    fund = getattr(obj, "fund", None)
    if fund is not None:
        return fund.partnership  # type: ignore[no-any-return]
    partnership = getattr(obj, "partnership", None)
    return partnership if isinstance(partnership, Partnership) else None


def seat_of(user: Viewer, partnership: Partnership | None) -> Membership | None:
    """The user's current seat on `partnership`, remembered for the request."""
    if partnership is None or not _signed_in(user):
        return None
    return cached(
        ("funding.seat", partnership.pk, user.pk),
        lambda: Membership.objects.filter(
            partnership=partnership, user=user, left_on__isnull=True
        ).first(),
    )


def declared_ids(application: Application) -> frozenset[int]:
    """The memberships that declared an interest in `application`."""
    return cached(
        ("funding.declared", application.pk),
        lambda: frozenset(
            Declaration.objects.filter(application=application).values_list(
                "membership_id", flat=True
            )
        ),
    )


def _application_of(obj: object) -> Application | None:
    if isinstance(obj, Application):
        return obj
    if isinstance(obj, Motion):
        return obj.application
    if isinstance(obj, Grant):
        return obj.application
    return None


@rules.predicate
def is_current_member(user: Viewer, obj: object) -> bool:
    return seat_of(user, partnership_of(obj)) is not None


@rules.predicate
def is_chair(user: Viewer, obj: object) -> bool:
    seat = seat_of(user, partnership_of(obj))
    return seat is not None and seat.role == MemberRole.CHAIR


@rules.predicate
def is_treasurer(user: Viewer, obj: object) -> bool:
    seat = seat_of(user, partnership_of(obj))
    return seat is not None and seat.role == MemberRole.TREASURER


@rules.predicate
def has_declared(user: Viewer, obj: object) -> bool:
    """A member with a declared interest in the application (or the motion's application)."""
    application = _application_of(obj)
    seat = seat_of(user, partnership_of(obj))
    return application is not None and seat is not None and seat.pk in declared_ids(application)


def acts_for(user: Viewer, applicant: Model | None) -> bool:
    """May `user` act for this applicant: an acting lead of an initiative (the initiatives
    app's own rule) or an organiser of a group that is not archived."""
    if not _signed_in(user) or applicant is None:
        return False
    if isinstance(applicant, Initiative):
        return bool(user.has_perm("initiatives.edit_initiative", applicant))
    if isinstance(applicant, Group):
        return applicant.archived_at is None and bool(is_group_organiser(user, applicant))
    return False


@rules.predicate
def may_act_for(user: Viewer, applicant: Model | None) -> bool:
    return acts_for(user, applicant)


@rules.predicate
def is_applicant(user: Viewer, obj: object) -> bool:
    """Acts for the application's applicant (or the grant's application's)."""
    application = _application_of(obj)
    if application is None:
        return False
    return acts_for(user, application.initiative or application.group)


signed_in = rules.predicate(_signed_in)
member = signed_in & is_current_member
treasurer = signed_in & is_treasurer

# Object: the initiative or group applying (the service checks the fund's side).
rules.add_perm("funding.apply", signed_in & may_act_for)
# Object: an application. Whether it is still waiting is the service's check.
rules.add_perm("funding.withdraw", signed_in & is_applicant)
rules.add_perm(
    "funding.see_application", signed_in & (is_current_member | is_applicant | is_site_admin)
)
rules.add_perm("funding.declare", member)
# Any member without an interest may put a motion (as at a meeting: anyone may move, the chair
# puts it to the vote); the chair closes it.
rules.add_perm("funding.propose", member & ~has_declared)
# Object: a motion.
rules.add_perm("funding.vote", member & ~has_declared)
rules.add_perm("funding.close_motion", signed_in & is_chair)
# Object: a grant. Only the partnership's current treasurer moves money.
rules.add_perm("funding.pay", treasurer)
rules.add_perm("funding.vary", treasurer)
rules.add_perm("funding.close_grant", treasurer)
rules.add_perm("funding.take_back", treasurer)
rules.add_perm("funding.correct", treasurer)
# Object: a grant. Its money page: the partnership, the grantee, site admins.
rules.add_perm(
    "funding.see_grant_money", signed_in & (is_current_member | is_applicant | is_site_admin)
)
