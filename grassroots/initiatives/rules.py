"""Who may do what with an initiative (rules predicates; see tests/test_rules_initiatives.py).

Leads run an initiative; approved members post updates and milestones; anybody signed in who
can see it may back it or ask to join. A councillor may be a member but never leads an
initiative in a ward they currently represent (the back seat): a lead who represents one of its
wards loses every lead power while that is so.

Predicates cache what they look up on the user and initiative objects, so a page that asks
many questions about one initiative costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from grassroots.initiatives.models import (
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Stage,
)
from grassroots.initiatives.visibility import can_view
from grassroots.places.models import CouncillorTerm


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def membership_of(user: Any, initiative: Initiative) -> Membership | None:
    """The user's membership row (any status), cached on the initiative."""
    if not _signed_in(user) or initiative is None:
        return None
    cache: dict[int, Membership | None] | None = getattr(initiative, "_gr_memberships", None)
    if cache is None:
        cache = {}
        initiative._gr_memberships = cache  # type: ignore[attr-defined]
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(initiative=initiative, user=user).first()
    return cache[user.pk]


def represented_ward_ids(user: Any) -> frozenset[int]:
    """Wards the user represents as a councillor today (whatever their MFA), cached on the user."""
    if not _signed_in(user):
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_gr_represented_wards", None)
    if cached is None:
        cached = frozenset(
            CouncillorTerm.objects.current(timezone.localdate())
            .filter(councillor__user=user)
            .values_list("ward_id", flat=True)
        )
        user._gr_represented_wards = cached
    return cached


def initiative_ward_ids(initiative: Initiative) -> frozenset[int]:
    cached: frozenset[int] | None = getattr(initiative, "_gr_ward_ids", None)
    if cached is None:
        prefetched = getattr(initiative, "_prefetched_objects_cache", {}).get("wards")
        if prefetched is not None:
            cached = frozenset(w.pk for w in prefetched)
        else:
            cached = frozenset(initiative.wards.values_list("pk", flat=True))
        initiative._gr_ward_ids = cached  # type: ignore[attr-defined]
    return cached


@rules.predicate
def may_view(user: Any, initiative: Initiative | None) -> bool:
    if initiative is None:
        return False
    if hasattr(initiative, "_gr_visible_to") and initiative._gr_visible_to == getattr(
        user, "pk", None
    ):
        return True  # fetched through visible_initiatives(user) by the selector, for this user
    return can_view(user, initiative)


@rules.predicate
def is_approved_member(user: Any, initiative: Initiative | None) -> bool:
    m = membership_of(user, initiative) if initiative is not None else None
    return m is not None and m.status == MembershipStatus.APPROVED


@rules.predicate
def is_lead(user: Any, initiative: Initiative | None) -> bool:
    m = membership_of(user, initiative) if initiative is not None else None
    return m is not None and m.status == MembershipStatus.APPROVED and m.role == MemberRole.LEAD


@rules.predicate
def represents_a_ward_of(user: Any, initiative: Initiative | None) -> bool:
    """A councillor of one of the initiative's wards: may never lead it."""
    if initiative is None:
        return False
    return bool(represented_ward_ids(user) & initiative_ward_ids(initiative))


@rules.predicate
def may_ask_to_join(user: Any, initiative: Initiative | None) -> bool:
    if initiative is None:
        return False
    m = membership_of(user, initiative)
    return m is None or m.status == MembershipStatus.LEFT


@rules.predicate
def is_achieved(user: Any, initiative: Initiative | None) -> bool:
    return initiative is not None and initiative.stage == Stage.ACHIEVED


signed_in = rules.predicate(_signed_in)
acting_lead = signed_in & is_lead & ~represents_a_ward_of

# Named apart from Django's model permissions (view_initiative, change_initiative), which the
# admin site asks about and which rules would otherwise answer.
rules.add_perm("initiatives.create_initiative", signed_in)
rules.add_perm("initiatives.see_initiative", may_view)
rules.add_perm("initiatives.edit_initiative", acting_lead)
rules.add_perm("initiatives.change_stage", acting_lead)
rules.add_perm("initiatives.decide_membership", acting_lead)
rules.add_perm("initiatives.make_lead", acting_lead)
rules.add_perm("initiatives.step_down", signed_in & is_lead)
rules.add_perm("initiatives.request_membership", signed_in & may_view & may_ask_to_join)
rules.add_perm("initiatives.leave", signed_in & is_approved_member)
rules.add_perm("initiatives.back", signed_in & may_view)
rules.add_perm("initiatives.manage_needs", acting_lead)
rules.add_perm("initiatives.post_update", signed_in & is_approved_member)
rules.add_perm("initiatives.manage_milestones", signed_in & is_approved_member)
rules.add_perm("initiatives.record_outcome", acting_lead & is_achieved)
# Whether the user could be made a lead of this initiative (object: the initiative).
rules.add_perm("initiatives.be_lead", signed_in & ~represents_a_ward_of)
