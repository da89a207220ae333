"""Who may do what with offers of help and introductions (`directory.*`).

- Anyone signed in may offer help, see open offers and their own; an offer on behalf of an
  organisation needs somebody who looks after it (the listing's owner, or an organiser of the
  organisation's group on this site).
- An offer is changed, closed and answered by its offerer: the person who made it or, for an
  organisation's offer, anyone who looks after the organisation.
- Introductions are sent by an initiative's acting leads (`initiatives.manage_needs`), for its
  needs; they see the introductions they sent and may withdraw one still waiting.
"""

from __future__ import annotations

from typing import TypeGuard

import rules

from grassroots.accounts.models import User
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.directory.models import Organization
from grassroots.directory.models_offers import Introduction, Offer, OfferStatus
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import Need


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def organised_group_ids(user: Viewer) -> frozenset[int]:
    """The groups `user` organises (remembered for the request)."""
    if not _signed_in(user):
        return frozenset()
    return cached(
        ("directory.organised_groups", user.pk),
        lambda: frozenset(
            GroupMembership.objects.filter(
                user=user, status=GroupMembershipStatus.ACTIVE, role=GroupRole.ORGANISER
            ).values_list("group_id", flat=True)
        ),
    )


def looks_after_organization(user: Viewer, organization: Organization | None) -> bool:
    """The listing's owner, or an organiser of the organisation's group on this site."""
    if organization is None or not _signed_in(user):
        return False
    if organization.owner_id == user.pk:
        return True
    return organization.group_id is not None and organization.group_id in organised_group_ids(user)


def is_offerer_of(user: Viewer, offer: Offer | None) -> bool:
    if offer is None or not _signed_in(user):
        return False
    if offer.owner_id == user.pk:
        return True
    return offer.organization_id is not None and looks_after_organization(user, offer.organization)


signed_in = rules.predicate(_signed_in)


@rules.predicate
def looks_after(user: Viewer, organization: Organization | None) -> bool:
    return looks_after_organization(user, organization)


@rules.predicate
def is_offerer(user: Viewer, offer: Offer | None) -> bool:
    return is_offerer_of(user, offer)


@rules.predicate
def is_open_offer(user: Viewer, offer: Offer | None) -> bool:
    return offer is not None and offer.status == OfferStatus.OPEN


@rules.predicate
def leads_need(user: Viewer, need: Need | None) -> bool:
    return need is not None and user.has_perm("initiatives.manage_needs", need.initiative)


@rules.predicate
def answers_introduction(user: Viewer, introduction: Introduction | None) -> bool:
    return introduction is not None and is_offerer_of(user, introduction.offer)


@rules.predicate
def sent_side(user: Viewer, introduction: Introduction | None) -> bool:
    return introduction is not None and user.has_perm(
        "initiatives.manage_needs", introduction.need.initiative
    )


rules.add_perm("directory.add_offer", signed_in)
rules.add_perm("directory.offer_for_organization", signed_in & looks_after)
rules.add_perm("directory.see_offers", signed_in)
rules.add_perm("directory.see_offer", signed_in & (is_open_offer | is_offerer))
rules.add_perm("directory.change_offer", signed_in & is_offerer)
rules.add_perm("directory.introduce", signed_in & leads_need)
rules.add_perm("directory.answer_introduction", signed_in & answers_introduction)
rules.add_perm("directory.withdraw_introduction", signed_in & sent_side)
rules.add_perm("directory.see_introduction", signed_in & (answers_introduction | sent_side))
