"""Who may do what with places that matter and Assets of Community Value.

- Anybody signed in maps a place (`directory.add_asset`) and links it to an initiative they
  lead (`directory.link_initiative`; the service also checks they lead it).
- An organiser of a group of the place's council nominates it (`directory.nominate_asset`),
  in England only: Wales has no community right to bid (`acv.jurisdiction`).
- The council's officers (a current `OfficerPost` in one of its departments, with two-factor
  sign-in) and site admins see the nominations for the council (`directory.see_nominations`),
  decide them (`directory.decide_nomination`) and record the owner's notice of sale
  (`directory.record_sale_notice`).
- A group's written request to be treated as a bidder (`directory.request_to_bid`) is made by
  an organiser of one of the council's groups, or recorded by the council's officer.

See tests/test_assets_permissions.py for the matrix.
"""

from __future__ import annotations

import rules
from django.db.models import Model

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.rules import is_officer, is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.directory import acv
from grassroots.directory.models_assets import Asset, Nomination, SaleNotice
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.places.models import Council


def council_of(obj: Model | None) -> Council | None:
    """The council a place, a nomination, a notice or a council belongs to."""
    if isinstance(obj, Council):
        return obj
    if isinstance(obj, Asset):
        return obj.council
    if isinstance(obj, Nomination | SaleNotice):
        return obj.asset.council
    return None


def organised_groups(user: Viewer, council: Council | None) -> list[int]:
    """Ids of the live groups of `council` that `user` organises."""
    if not isinstance(user, User) or council is None:
        return []
    return list(
        GroupMembership.objects.filter(
            user=user,
            role=GroupRole.ORGANISER,
            status=GroupMembershipStatus.ACTIVE,
            group__council=council,
            group__archived_at__isnull=True,
        ).values_list("group_id", flat=True)
    )


@rules.predicate  # type: ignore[untyped-decorator]
def signed_in(user: Viewer) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate  # type: ignore[untyped-decorator]
def officer_of_council(user: Viewer, obj: Model | None) -> bool:
    council = council_of(obj)
    if council is None or not isinstance(user, User) or not is_officer(user):
        return False
    return OfficerPost.objects.current().filter(user=user, department__council=council).exists()


@rules.predicate  # type: ignore[untyped-decorator]
def organiser_in_council(user: Viewer, obj: Model | None) -> bool:
    return bool(organised_groups(user, council_of(obj)))


@rules.predicate  # type: ignore[untyped-decorator]
def right_to_bid_applies(user: Viewer, obj: Model | None) -> bool:
    council = council_of(obj)
    return council is not None and acv.acv_applies(council.gss_code)


council_staff = officer_of_council | is_site_admin

rules.add_perm("directory.add_asset", signed_in)
rules.add_perm("directory.link_initiative", signed_in)
rules.add_perm("directory.nominate_asset", signed_in & right_to_bid_applies & organiser_in_council)
rules.add_perm("directory.see_nominations", signed_in & council_staff)
rules.add_perm("directory.decide_nomination", signed_in & council_staff)
rules.add_perm("directory.record_sale_notice", signed_in & right_to_bid_applies & council_staff)
rules.add_perm("directory.request_to_bid", signed_in & (organiser_in_council | council_staff))
