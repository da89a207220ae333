"""Who may do what with neighbourhood funds (rules predicates named `funding.<verb>`).

The first part is the set every part of the app shares: who sits on a fund's partnership and in
what role, for any object that belongs to one (a partnership, a fund, a plan revision, an
application, a motion, a grant, a PB round or proposal, a membership). Import them:

    from grassroots.funding.rules import is_current_member, is_chair, is_treasurer

Seats are looked up once per person and partnership in a request (`core.request_cache`). A
member who holds a role that needs two-factor sign-in (a councillor, an officer, a site admin)
has no powers as a member until it is set up, like everywhere else on the site.

Then the permissions of partnerships, funds and plans:

- `funding.create_partnership`, with a group: an active organiser of a group that is not
  archived, or a site admin (a group has at most one partnership: the service checks that).
- `funding.manage_partnership`, with a partnership: its chair and site admins; while it has no
  chair, the organisers of its group too (so somebody can always appoint one). Adding members,
  their roles, whether they are residents, the quorum.
- `funding.end_membership`, with a membership: the member themselves, or whoever manages the
  partnership.
- `funding.create_fund`, with a council (or None, to ask "for any council"): site admins, and
  council officers for their own council (two-factor in both cases).
- `funding.revise_plan`, with a fund (or a plan revision): the chair or the treasurer of its
  partnership.

Participatory-budgeting rounds (tests/test_pbround_permissions.py):

- `funding.create_round`, with a fund: the chair of the fund's partnership (a current seat
  with the role chair) and site admins (with two-factor set up, as everywhere).
- `funding.propose_project` and `funding.vote_in_round`, with a round: residents of the
  fund's area (their ward is one of the fund's wards). Which phase allows it is the services'
  check.
- `funding.check_proposal`, with a round or a proposal: the partnership's current members and
  site admins.
- `funding.count_round`, with a round: the partnership's chair and site admins. It is checked
  when the count is asked for, and again by the worker, as the person who asked.
- `funding.withdraw_proposal`, with a proposal: its proposer, and those acting for the
  initiative or group it was made for (as `funding.withdraw` for an application); nobody else,
  not the partnership nor site admins. Only before voting opens: the service's check.

Applications, decisions and grants' money (tests/test_grants_permissions.py):

- `funding.apply`, with an initiative or a group: its acting leads (the initiatives app's
  `initiatives.edit_initiative`) or the organisers of a group that is not archived.
- `funding.withdraw`, with an application: those acting for its applicant.
- `funding.see_application`: current members, those acting for the applicant, site admins.
- `funding.declare`: any current member. `funding.propose` (a motion) and `funding.vote`
  (object: the motion): current members without a declared interest in the application (as
  at a meeting, anyone may move; the chair puts it to the vote). `funding.close_motion`: the
  chair. `funding.withdraw_motion` (object: the motion): the chair, or the member who
  proposed it while they hold a current seat and have declared no interest.
- `funding.pay`, `funding.vary`, `funding.take_back`, `funding.close_grant`,
  `funding.correct`, with a grant: the partnership's current treasurer only.
- `funding.see_grant_money`, with a grant: current members, the grantee's side, site admins.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeGuard

import rules
from django.db.models import Model
from django.utils import timezone

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.rules import is_officer, is_site_admin
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.funding.models import (
    Application,
    Declaration,
    Fund,
    Grant,
    MemberRole,
    Membership,
    Motion,
    Partnership,
    PlanRevision,
    Proposal,
    Round,
)
from grassroots.groups.models import Group
from grassroots.groups.selectors import is_organiser
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council

# --- Who sits on the partnership: shared by every part of the funding app ---------------------


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def partnership_id_of(obj: Any) -> int | None:
    """The id of the partnership `obj` belongs to, or None for anything else."""
    if isinstance(obj, Partnership):
        return obj.pk
    if isinstance(obj, Membership):
        return obj.partnership_id
    if isinstance(obj, Fund):
        return obj.partnership_id
    if isinstance(obj, PlanRevision | Application | Grant | Round):
        return _fund_partnership_id(obj.fund_id, obj)
    if isinstance(obj, Motion):
        return partnership_id_of(obj.application)
    if isinstance(obj, Proposal):
        return partnership_id_of(obj.round)
    return None


def _fund_partnership_id(fund_id: int, obj: Any) -> int:
    fund = obj._state.fields_cache.get("fund")
    if fund is not None:
        return int(fund.partnership_id)
    return cached(
        ("funding.fund_partnership", fund_id),
        lambda: int(Fund.objects.values_list("partnership_id", flat=True).get(pk=fund_id)),
    )


def current_role(user: Viewer, obj: Any) -> str | None:
    """The role (`MemberRole`) `user` holds today on the partnership of `obj`, or None when
    they hold no current seat, or hold a site role without two-factor sign-in set up."""
    partnership_id = partnership_id_of(obj)
    if partnership_id is None or not _signed_in(user):
        return None
    role = cached(
        ("funding.seat", user.pk, partnership_id),
        lambda: (
            Membership.objects.filter(
                partnership_id=partnership_id, user_id=user.pk, left_on__isnull=True
            )
            .order_by("pk")
            .values_list("role", flat=True)
            .first()
        ),
    )
    if role is None or not user_roles(user).mfa_satisfied:
        return None
    return str(role)


@rules.predicate
def is_current_member(user: Viewer, obj: Any) -> bool:
    """A current member (any role) of the partnership `obj` belongs to."""
    return current_role(user, obj) is not None


@rules.predicate
def is_chair(user: Viewer, obj: Any) -> bool:
    """The current chair of the partnership `obj` belongs to."""
    return current_role(user, obj) == MemberRole.CHAIR


@rules.predicate
def is_treasurer(user: Viewer, obj: Any) -> bool:
    """The current treasurer of the partnership `obj` belongs to."""
    return current_role(user, obj) == MemberRole.TREASURER


# --- Partnerships, funds and plans ----------------------------------------------------------


def has_chair(partnership_id: int) -> bool:
    return cached(
        ("funding.has_chair", partnership_id),
        lambda: Membership.objects.filter(
            partnership_id=partnership_id, role=MemberRole.CHAIR, left_on__isnull=True
        ).exists(),
    )


def officer_council_ids(user: Viewer, on: datetime.date | None = None) -> frozenset[int]:
    """The councils `user` holds a current officer post in (remembered for the request)."""
    if not _signed_in(user):
        return frozenset()
    return cached(
        ("funding.officer_councils", user.pk),
        lambda: frozenset(
            OfficerPost.objects.current(on or timezone.localdate())
            .filter(user=user)
            .values_list("department__council_id", flat=True)
        ),
    )


@rules.predicate
def may_create_partnership(user: Viewer, group: Group | None) -> bool:
    if not isinstance(group, Group) or not _signed_in(user) or group.archived_at is not None:
        return False
    return bool(is_site_admin(user)) or is_organiser(user, group)


@rules.predicate
def organises_without_chair(user: Viewer, partnership: Partnership | None) -> bool:
    """While a partnership has no chair, its group's organisers may appoint one."""
    if not isinstance(partnership, Partnership) or not _signed_in(user):
        return False
    if has_chair(partnership.pk):
        return False
    return is_organiser(user, partnership.group)


@rules.predicate
def is_partnership(user: Viewer, obj: Any) -> bool:
    return isinstance(obj, Partnership)


@rules.predicate
def own_seat(user: Viewer, membership: Membership | None) -> bool:
    return (
        isinstance(membership, Membership)
        and _signed_in(user)
        and membership.user_id == user.pk
        and membership.left_on is None
    )


@rules.predicate
def manages_partnership_of(user: Viewer, membership: Membership | None) -> bool:
    if not isinstance(membership, Membership):
        return False
    return bool(user.has_perm("funding.manage_partnership", membership.partnership))


@rules.predicate
def officer_for(user: Viewer, council: Council | None) -> bool:
    """A council officer (two-factor) for `council`; for None, for any council."""
    if not is_officer(user):
        return False
    councils = officer_council_ids(user)
    if council is None:
        return bool(councils)
    return isinstance(council, Council) and council.pk in councils


@rules.predicate
def is_fund_or_plan(user: Viewer, obj: Any) -> bool:
    return isinstance(obj, Fund | PlanRevision)


rules.add_perm("funding.create_partnership", may_create_partnership)
rules.add_perm(
    "funding.manage_partnership",
    is_partnership & (is_chair | is_site_admin | organises_without_chair),
)
rules.add_perm("funding.end_membership", own_seat | manages_partnership_of)
rules.add_perm("funding.create_fund", is_site_admin | officer_for)
rules.add_perm("funding.revise_plan", is_fund_or_plan & (is_chair | is_treasurer))


# --- Participatory-budgeting rounds ----------------------------------------------------------


def _fund_of(obj: object) -> Fund | None:
    if isinstance(obj, Fund):
        return obj
    if isinstance(obj, Round):
        return obj.fund
    if isinstance(obj, Proposal):
        return obj.round.fund
    return None


def fund_ward_ids(fund: Fund) -> frozenset[int]:
    prefetched = getattr(fund, "_prefetched_objects_cache", {}).get("wards")
    if prefetched is not None:
        return frozenset(w.pk for w in prefetched)
    return cached(
        ("funding.ward_ids", fund.pk),
        lambda: frozenset(fund.wards.values_list("pk", flat=True)),
    )


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


@rules.predicate
def is_proposer(user: Viewer, proposal: object) -> bool:
    return isinstance(proposal, Proposal) and _signed_in(user) and proposal.proposer_id == user.pk


@rules.predicate
def acts_for_proposal(user: Viewer, proposal: object) -> bool:
    """Acts for the initiative or group the proposal was made on behalf of."""
    if not isinstance(proposal, Proposal):
        return False
    if proposal.initiative_id is None and proposal.group_id is None:
        return False
    return acts_for(user, proposal.initiative or proposal.group)


rules.add_perm("funding.withdraw_proposal", signed_in & (is_proposer | acts_for_proposal))


# --- Applications, decisions and grants' money (helper grants) --------------------------------


def partnership_of(obj: object) -> Partnership | None:
    """The partnership deciding about `obj` (a partnership, fund, application, motion, grant)."""
    if isinstance(obj, Partnership):
        return obj
    if isinstance(obj, Motion):
        return obj.application.fund.partnership
    if isinstance(obj, Application | Grant):
        return obj.fund.partnership
    return None


def seat_of(user: Viewer, partnership: Partnership | None) -> Membership | None:
    """The user's current seat on `partnership`, remembered for the request."""
    if partnership is None or not _signed_in(user):
        return None
    return cached(
        ("funding.seat_row", partnership.pk, user.pk),
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
        return applicant.archived_at is None and is_organiser(user, applicant)
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


@rules.predicate
def proposed_it(user: Viewer, motion: object) -> bool:
    """Holds a current seat and is the member who proposed `motion` (from that seat or an
    earlier one of theirs)."""
    if not isinstance(motion, Motion):
        return False
    seat = seat_of(user, partnership_of(motion))
    if seat is None:
        return False
    return seat.pk == motion.proposed_by_id or motion.proposed_by.user_id == seat.user_id


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
# Taking back a motion that will not reach a decision: the chair, or its proposer (as at a
# meeting, the mover may withdraw their motion) unless they have since declared an interest.
rules.add_perm(
    "funding.withdraw_motion", signed_in & (is_chair | (member & proposed_it & ~has_declared))
)
# Object: a grant. Only the partnership's current treasurer moves money.
rules.add_perm("funding.pay", treasurer)
rules.add_perm("funding.vary", treasurer)
rules.add_perm("funding.close_grant", treasurer)
rules.add_perm("funding.take_back", treasurer)
rules.add_perm("funding.correct", treasurer)
# Object: a grant. Which place that matters it is for: the treasurer or a site admin.
rules.add_perm("funding.set_grant_asset", treasurer | is_site_admin)
# Object: a grant. Its money page: the partnership, the grantee, site admins.
rules.add_perm(
    "funding.see_grant_money", signed_in & (is_current_member | is_applicant | is_site_admin)
)
