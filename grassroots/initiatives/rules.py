"""Who may do what with an initiative (rules predicates; see tests/test_rules_initiatives.py).

Leads run an initiative; approved members post updates and milestones; anybody signed in who
can see it may back it or ask to join. Leads may also invite a person to join (the only way into
a safeguarded initiative, which outsiders cannot see to ask); the invitee alone accepts or turns
the invitation down, and any acting lead may withdraw it while it waits (see
tests/test_rules_invitations.py). A councillor may be a member but never leads an initiative in
a ward they currently represent (the back seat): a lead who represents one of its wards loses
every lead power while that is so.

Predicates remember what they look up for the rest of the request (`core.request_cache`), so a
page that asks many questions about one initiative costs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any, TypeGuard

import rules
from django.db.models import QuerySet
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Viewer
from grassroots.core import compiled
from grassroots.core.request_cache import cached
from grassroots.initiatives.models import (
    ASK_AGAIN_STATUSES,
    Initiative,
    MemberRole,
    Membership,
    MembershipStatus,
    Stage,
    Visibility,
)
from grassroots.initiatives.visibility import can_view
from grassroots.places.models import CouncillorTerm


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def membership_of(user: Viewer, initiative: Initiative) -> Membership | None:
    """The user's membership row (any status), remembered for the request."""
    if not _signed_in(user) or initiative is None:
        return None
    return cached(
        membership_key(initiative.pk, user.pk),
        lambda: Membership.objects.filter(initiative=initiative, user=user).first(),
    )


def membership_key(initiative_id: int, user_id: int) -> tuple[str, int, int]:
    """Where `membership_of()` keeps a row in the request's cache (selectors fill it)."""
    return ("initiatives.membership", initiative_id, user_id)


def represented_ward_ids(user: Viewer) -> frozenset[int]:
    """Wards the user represents as a councillor today (whatever their MFA)."""
    if not _signed_in(user) or not user_roles(user).councillor:
        # The roles are known for every signed-in request: no term today, no wards to ask for.
        return frozenset()

    # Asked on most pages for councillors: compiled once a day (core/compiled.py).
    def wards() -> frozenset[int]:
        day = timezone.localdate()
        rows = compiled.fetch(
            "initiatives.represented_wards", day, CouncillorTerm, _represented_query, user.pk
        )
        return frozenset(row["ward_id"] for row in rows)

    return cached(("initiatives.represented_wards", user.pk), wards)


def _represented_query(user_id: int) -> QuerySet[Any, Any]:
    return (
        CouncillorTerm.objects.current(timezone.localdate())
        .filter(councillor__user_id=user_id)
        .order_by()
        .values("ward_id")
    )


def initiative_ward_ids(initiative: Initiative) -> frozenset[int]:
    prefetched = getattr(initiative, "_prefetched_objects_cache", {}).get("wards")
    if prefetched is not None:
        return frozenset(w.pk for w in prefetched)
    return cached(
        ("initiatives.ward_ids", initiative.pk),
        lambda: frozenset(initiative.wards.values_list("pk", flat=True)),
    )


@rules.predicate
def may_view(user: Viewer, initiative: Initiative | None) -> bool:
    if initiative is None:
        return False
    return can_view(user, initiative)


@rules.predicate
def is_approved_member(user: Viewer, initiative: Initiative | None) -> bool:
    m = membership_of(user, initiative) if initiative is not None else None
    return m is not None and m.status == MembershipStatus.APPROVED


@rules.predicate
def is_lead(user: Viewer, initiative: Initiative | None) -> bool:
    m = membership_of(user, initiative) if initiative is not None else None
    return m is not None and m.status == MembershipStatus.APPROVED and m.role == MemberRole.LEAD


@rules.predicate
def represents_a_ward_of(user: Viewer, initiative: Initiative | None) -> bool:
    """A councillor of one of the initiative's wards: may never lead it."""
    if initiative is None:
        return False
    return bool(represented_ward_ids(user) & initiative_ward_ids(initiative))


@rules.predicate
def may_ask_to_join(user: Viewer, initiative: Initiative | None) -> bool:
    if initiative is None:
        return False
    m = membership_of(user, initiative)
    return m is None or m.status in ASK_AGAIN_STATUSES


@rules.predicate
def is_invited(user: Viewer, initiative: Initiative | None) -> bool:
    """Invited to join `initiative` and not yet answered."""
    m = membership_of(user, initiative) if initiative is not None else None
    return m is not None and m.status == MembershipStatus.INVITED


# Invitations: the object is the Membership row holding the invitation.


@rules.predicate
def is_pending_invitation(user: Viewer, membership: Membership | None) -> bool:
    return membership is not None and membership.status == MembershipStatus.INVITED


@rules.predicate
def is_the_invitee(user: Viewer, membership: Membership | None) -> bool:
    return membership is not None and _signed_in(user) and membership.user_id == user.pk


@rules.predicate
def leads_its_initiative(user: Viewer, membership: Membership | None) -> bool:
    """An acting lead of the invitation's initiative (not a councillor of one of its wards)."""
    if membership is None:
        return False
    initiative = membership.initiative
    return bool(is_lead(user, initiative)) and not represents_a_ward_of(user, initiative)


@rules.predicate
def is_public(user: Viewer, initiative: Initiative | None) -> bool:
    return initiative is not None and initiative.visibility == Visibility.PUBLIC


@rules.predicate
def is_achieved(user: Viewer, initiative: Initiative | None) -> bool:
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
# The service's own check for asking to join: whoever may see it. Asking again too soon (or
# while a member, or invited) is refused by the service with a reason, not a 403.
rules.add_perm("initiatives.ask_to_join", signed_in & may_view)
rules.add_perm("initiatives.leave", signed_in & is_approved_member)
# An invitee sees the initiative to decide, but backs it only once they are in (or, on a public
# one, like anybody else).
rules.add_perm("initiatives.back", signed_in & may_view & (is_public | ~is_invited))
rules.add_perm("initiatives.manage_needs", acting_lead)
rules.add_perm("initiatives.post_update", signed_in & is_approved_member)
rules.add_perm("initiatives.manage_milestones", signed_in & is_approved_member)
rules.add_perm("initiatives.record_outcome", acting_lead & is_achieved)
# The service's own check for saving an outcome: the leads. Before the initiative is achieved
# the service refuses with a reason.
rules.add_perm("initiatives.save_outcome", acting_lead)
rules.add_perm("initiatives.invite_member", acting_lead)
rules.add_perm(
    "initiatives.withdraw_invitation", signed_in & is_pending_invitation & leads_its_initiative
)
rules.add_perm("initiatives.accept_invitation", signed_in & is_pending_invitation & is_the_invitee)
rules.add_perm("initiatives.decline_invitation", signed_in & is_pending_invitation & is_the_invitee)
# The services' own check for answering: the invitee. An invitation no longer waiting is refused
# by the service with a reason (the page may be older than the answer).
rules.add_perm("initiatives.answer_invitation", signed_in & is_the_invitee)
# Whether the user could be made a lead of this initiative (object: the initiative).
rules.add_perm("initiatives.be_lead", signed_in & ~represents_a_ward_of)
