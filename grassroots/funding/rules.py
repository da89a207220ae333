"""Who may do what with neighbourhood funds (rules predicates named `funding.<verb>`).

Participatory-budgeting rounds (tests/test_pbround_permissions.py):

- `funding.create_round`, with a fund: the chair of the fund's partnership (a current seat
  with the role chair) and site admins (with two-factor set up, as everywhere).
- `funding.propose_project` and `funding.vote_in_round`, with a round: residents of the
  fund's area (their ward is one of the fund's wards). Which phase allows it is the services'
  check.
- `funding.check_proposal`, with a round or a proposal: the partnership's current members and
  site admins.
- `funding.count_round`, with a round: the partnership's chair and site admins.
"""

from __future__ import annotations

from typing import TypeGuard

import rules

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.funding.models import Fund, MemberRole, Membership, Proposal, Round


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def _fund_of(obj: object) -> Fund | None:
    if isinstance(obj, Fund):
        return obj
    if isinstance(obj, Round):
        return obj.fund
    if isinstance(obj, Proposal):
        return obj.round.fund
    return None


def current_roles(user: Viewer, partnership_id: int) -> frozenset[str]:
    """The roles `user` holds today on the partnership (empty when they hold no seat)."""
    if not _signed_in(user):
        return frozenset()
    return cached(
        ("funding.roles", user.pk, partnership_id),
        lambda: frozenset(
            Membership.objects.filter(
                partnership_id=partnership_id, user=user, left_on__isnull=True
            ).values_list("role", flat=True)
        ),
    )


def fund_ward_ids(fund: Fund) -> frozenset[int]:
    prefetched = getattr(fund, "_prefetched_objects_cache", {}).get("wards")
    if prefetched is not None:
        return frozenset(w.pk for w in prefetched)
    return cached(
        ("funding.ward_ids", fund.pk),
        lambda: frozenset(fund.wards.values_list("pk", flat=True)),
    )


@rules.predicate
def is_chair(user: Viewer, obj: object) -> bool:
    fund = _fund_of(obj)
    return fund is not None and MemberRole.CHAIR in current_roles(user, fund.partnership_id)


@rules.predicate
def is_current_member(user: Viewer, obj: object) -> bool:
    fund = _fund_of(obj)
    return fund is not None and bool(current_roles(user, fund.partnership_id))


@rules.predicate
def lives_in_area(user: Viewer, obj: object) -> bool:
    fund = _fund_of(obj)
    if fund is None or not _signed_in(user) or user.ward_id is None:
        return False
    return user.ward_id in fund_ward_ids(fund)


signed_in = rules.predicate(_signed_in)

rules.add_perm("funding.create_round", signed_in & (is_chair | is_site_admin))
rules.add_perm("funding.propose_project", signed_in & lives_in_area)
rules.add_perm("funding.check_proposal", signed_in & (is_current_member | is_site_admin))
rules.add_perm("funding.vote_in_round", signed_in & lives_in_area)
rules.add_perm("funding.count_round", signed_in & (is_chair | is_site_admin))
