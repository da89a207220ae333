"""Who may do what with opinion maps (rules predicates; see tests/test_permissions.py).

- `opinions.start`, with a Ward or a Group: host a map there. For a ward, its current
  councillors and the officers of its council (both with two-factor sign-in); for a group that
  is not archived, its active organisers; site admins anywhere.
- `opinions.manage`, with a map: its host side (the same people, for the map's ward or group)
  seeds statements and closes or reopens the map.
- `opinions.moderate`: the host side and the site's moderators publish or reject the
  statements participants add.
- `opinions.vote`: anyone signed in, on a map that is open and not hidden; for an area-only
  map, residents whose home ward is the map's ward (ward map) or one of the group's wards
  (group map). `opinions.add_statement` also needs the host to allow statements.
- `opinions.see`: `visibility.can_view`.

The predicates about councillors, officers and a group's wards are the conversations app's.
"""

from __future__ import annotations

from typing import TypeGuard

import rules
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_moderator, is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.conversations.rules import (
    councillor_of_wards,
    group_ward_ids,
    officer_of_councils,
)
from grassroots.groups.models import Group
from grassroots.groups.selectors import is_organiser
from grassroots.opinions.models import Audience, OpinionMap, Statement
from grassroots.opinions.visibility import can_view
from grassroots.places.models import Ward


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def _map_of(obj: object) -> OpinionMap | None:
    if isinstance(obj, OpinionMap):
        return obj
    if isinstance(obj, Statement):
        return obj.map
    return None


def map_ward_ids(opinion_map: OpinionMap) -> frozenset[int]:
    """The wards whose residents count as "residents of the area"."""
    if opinion_map.ward_id is not None:
        return frozenset({opinion_map.ward_id})
    assert opinion_map.group is not None
    return group_ward_ids(opinion_map.group)


def hosts_for(user: Viewer, host: Ward | Group) -> bool:
    """Whether `user` is on the host side of maps hosted by `host`."""
    if not _signed_in(user):
        return False
    if isinstance(host, Group):
        if host.archived_at is not None:
            return False
        return is_organiser(user, host) or bool(is_site_admin(user))
    if host.retired_at is not None:
        return False
    return (
        bool(is_site_admin(user))
        or councillor_of_wards(user, frozenset({host.pk}))
        or officer_of_councils(user, frozenset({host.council_id}))
    )


def archived_group(opinion_map: OpinionMap) -> Group | None:
    group = opinion_map.group if opinion_map.group_id is not None else None
    return group if group is not None and group.archived_at is not None else None


@rules.predicate
def may_start(user: Viewer, host: object) -> bool:
    return isinstance(host, Ward | Group) and hosts_for(user, host)


@rules.predicate
def sees(user: Viewer, obj: object) -> bool:
    opinion_map = _map_of(obj)
    return opinion_map is not None and can_view(user, opinion_map)


@rules.predicate
def hosts(user: Viewer, obj: object) -> bool:
    opinion_map = _map_of(obj)
    if opinion_map is None or not _signed_in(user):
        return False
    if opinion_map.group_id is not None:
        assert opinion_map.group is not None
        return hosts_for(user, opinion_map.group)
    assert opinion_map.ward is not None
    # A retired ward's map is still run by the people who ran it.
    return (
        bool(is_site_admin(user))
        or councillor_of_wards(user, frozenset({opinion_map.ward.pk}))
        or officer_of_councils(user, frozenset({opinion_map.ward.council_id}))
    )


@rules.predicate
def is_open(user: Viewer, obj: object) -> bool:
    opinion_map = _map_of(obj)
    return (
        opinion_map is not None
        and opinion_map.closed_at is None
        and opinion_map.hidden_at is None
        and archived_group(opinion_map) is None
    )


@rules.predicate
def in_audience(user: Viewer, obj: object) -> bool:
    opinion_map = _map_of(obj)
    if opinion_map is None or not _signed_in(user):
        return False
    if opinion_map.audience == Audience.EVERYONE:
        return True
    return user.ward_id is not None and user.ward_id in map_ward_ids(opinion_map)


@rules.predicate
def allows_statements(user: Viewer, obj: object) -> bool:
    opinion_map = _map_of(obj)
    return opinion_map is not None and opinion_map.allow_statements


signed_in = rules.predicate(_signed_in)
take_part = signed_in & sees & is_open & in_audience

rules.add_perm("opinions.start", may_start)
rules.add_perm("opinions.see", sees)
rules.add_perm("opinions.manage", signed_in & sees & hosts)
rules.add_perm("opinions.moderate", signed_in & sees & (hosts | is_moderator))
rules.add_perm("opinions.vote", take_part)
rules.add_perm("opinions.add_statement", take_part & allows_statements)


def vote_refusal(user: Viewer, opinion_map: OpinionMap) -> str | None:
    """Why `user` may not answer, in plain words (None if they may)."""
    if not _signed_in(user):
        return _("Sign in to answer.")
    if opinion_map.closed_at is not None or archived_group(opinion_map) is not None:
        return _("This opinion map is closed.")
    if user.has_perm("opinions.vote", opinion_map):
        return None
    if opinion_map.audience == Audience.AREA:
        if user.ward_id is None:
            return _(
                "Only residents of the area can take part. Add your postcode to your profile "
                "so we know which ward you live in."
            )
        return _("Only residents of the area can take part, and your postcode is in another ward.")
    return _("You cannot take part in this opinion map.")
