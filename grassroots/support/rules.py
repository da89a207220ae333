"""Who may do what with councillor support (rules predicates; see tests/test_rules_support.py).

Every predicate that touches an initiative first asks whether the user may see it at all:
a councillor can never act on a safeguarded initiative they are not entitled to see.
Look-ups are remembered for the rest of the request (`core.request_cache`), so a page that
asks about many supports on one initiative costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any, TypeAlias, TypeGuard

import rules
from django.utils import timezone

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.rules import is_councillor, is_officer
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.initiatives.models import Initiative, MemberRole, MembershipStatus
from grassroots.initiatives.rules import membership_of
from grassroots.initiatives.visibility import can_view
from grassroots.places.models import CouncillorTerm
from grassroots.places.selectors import councillor_id_for
from grassroots.support.models import (
    ACCEPTED_STATUSES,
    AdvocacyCase,
    HelpRequest,
    Invitation,
    Support,
    SupportKind,
)

# What the support permissions are asked about: an initiative, or something belonging to one.
SupportObject: TypeAlias = Initiative | Support | HelpRequest | Invitation | AdvocacyCase


def _cache(user: Viewer, name: str) -> dict[Any, Any]:
    """A dictionary of answers about `user` kept for the rest of the request."""
    return cached(("support.rules", name, user.pk), dict)


def _initiative_of(obj: SupportObject | None) -> Initiative | None:
    if isinstance(obj, Initiative):
        return obj
    if isinstance(obj, (Support, HelpRequest, Invitation)):
        return obj.initiative
    if isinstance(obj, AdvocacyCase):
        return obj.support.initiative
    return None


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def _sees(user: Viewer, initiative: Initiative) -> bool:
    cache = _cache(user, "sees")
    if initiative.pk not in cache:
        cache[initiative.pk] = can_view(user, initiative)
    return bool(cache[initiative.pk])


def _leads(user: User, initiative: Initiative) -> bool:
    # The person's membership row, which the initiative's own rules keep for the request (its
    # page has read it already).
    mine = membership_of(user, initiative)
    return (
        mine is not None
        and mine.role == MemberRole.LEAD
        and mine.status == MembershipStatus.APPROVED
    )


def councillor_id_of(user: Viewer) -> int | None:
    """The Councillor row linked to `user`, if any (one cached look-up shared with visibility)."""
    return councillor_id_for(user)


def _represents(user: Viewer, initiative: Initiative) -> bool:
    """A councillor currently representing one of the initiative's wards."""
    councillor_id = councillor_id_of(user)
    if councillor_id is None:
        return False
    cache = _cache(user, "represents")
    if initiative.pk not in cache:
        cache[initiative.pk] = (
            CouncillorTerm.objects.current(timezone.localdate())
            .filter(councillor_id=councillor_id, ward__initiativeward__initiative=initiative)
            .exists()
        )
    return bool(cache[initiative.pk])


def _invited(user: Viewer, initiative: Initiative) -> bool:
    councillor_id = councillor_id_of(user)
    if councillor_id is None:
        return False
    cache = _cache(user, "invited")
    if initiative.pk not in cache:
        cache[initiative.pk] = Invitation.objects.filter(
            initiative=initiative, councillor_id=councillor_id
        ).exists()
    return bool(cache[initiative.pk])


def know_officer_of(user: Viewer, department_id: int, holds_post: bool) -> None:
    """What a query that was asked anyway said of `_officer_of(user, department_id)`
    (`selectors.case_by_id` asks it beside the case), remembered for the request."""
    _cache(user, "officer_of")[department_id] = holds_post


def _officer_of(user: User, department_id: int) -> bool:
    cache = _cache(user, "officer_of")
    if department_id not in cache:
        cache[department_id] = (
            OfficerPost.objects.current(timezone.localdate())
            .filter(user=user, department_id=department_id)
            .exists()
        )
    return bool(cache[department_id])


@rules.predicate
def sees_initiative(user: Viewer, obj: SupportObject | None) -> bool:
    initiative = _initiative_of(obj)
    return initiative is not None and _signed_in(user) and _sees(user, initiative)


@rules.predicate
def is_lead(user: Viewer, obj: SupportObject | None) -> bool:
    initiative = _initiative_of(obj)
    return initiative is not None and _signed_in(user) and _leads(user, initiative)


@rules.predicate
def is_ward_councillor(user: Viewer, obj: SupportObject | None) -> bool:
    initiative = _initiative_of(obj)
    return initiative is not None and _represents(user, initiative)


@rules.predicate
def is_invited_councillor(user: Viewer, obj: SupportObject | None) -> bool:
    initiative = _initiative_of(obj)
    return initiative is not None and _invited(user, initiative)


@rules.predicate
def is_supporting_councillor(user: Viewer, obj: SupportObject | None) -> bool:
    """The councillor who gave this support (or raised this case)."""
    support = obj.support if isinstance(obj, AdvocacyCase) else obj
    if not isinstance(support, Support):
        return False
    councillor_id = councillor_id_of(user)
    return councillor_id is not None and support.councillor_id == councillor_id


@rules.predicate
def is_case_officer(user: Viewer, case: SupportObject | None) -> bool:
    """An officer with a current post in the department the case is addressed to."""
    return (
        isinstance(case, AdvocacyCase)
        and _signed_in(user)
        and _officer_of(user, case.department_id)
    )


@rules.predicate
def is_advocate_support_accepted(user: Viewer, support: SupportObject | None) -> bool:
    return (
        isinstance(support, Support)
        and support.kind == SupportKind.ADVOCATE
        and support.status in ACCEPTED_STATUSES
    )


# --- Support offers (object: the initiative, or the support).
may_offer = is_councillor & sees_initiative & (is_ward_councillor | is_invited_councillor)
rules.add_perm("support.offer_support", may_offer & ~is_lead)
rules.add_perm("support.invite_councillor", is_lead)
# Object: the Invitation. Its initiative's leads take it back.
rules.add_perm("support.withdraw_invitation", is_lead)
rules.add_perm(
    "support.withdraw_support", is_councillor & sees_initiative & is_supporting_councillor
)
rules.add_perm("support.decide_support", is_lead)  # accept or decline an offer
rules.add_perm(
    "support.move_support",
    (is_councillor & sees_initiative & is_supporting_councillor) | is_lead,
)
rules.add_perm("support.give_feedback", is_lead)

# --- Help requests (object: the initiative, or the request).
rules.add_perm("support.ask_for_help", is_lead)
rules.add_perm("support.take_help_request", is_councillor & is_ward_councillor & sees_initiative)
rules.add_perm("support.withdraw_help_request", is_lead)
# The list of help requests across the wards a councillor represents (no object).
rules.add_perm("support.view_help_inbox", is_councillor)

# --- Advocacy cases (object: the support for opening, the case otherwise).
rules.add_perm(
    "support.open_case",
    is_councillor & sees_initiative & is_supporting_councillor & is_advocate_support_accepted,
)
case_officer = is_officer & is_case_officer
case_party = (is_councillor & is_supporting_councillor) | is_lead
rules.add_perm("support.view_case", case_officer | case_party)
rules.add_perm("support.post_case_message", case_officer | case_party)
rules.add_perm("support.move_case", case_officer)
rules.add_perm("support.decide_case", case_officer)
rules.add_perm("support.post_internal_note", case_officer)
rules.add_perm("support.view_internal_notes", case_officer)
# Pass the case to another department: officers of the department it is with now.
rules.add_perm("support.transfer_case", case_officer)
