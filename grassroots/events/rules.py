"""Who may do what with venues and events (rules predicates; see tests/test_rules_events.py).

Hosts run an event: a group's organisers, an initiative's leads, a ward's councillors, or the
councillor holding a surgery. Councillors must have two-factor authentication set up before
their role counts. Everything about an event of a safeguarded initiative first asks whether
the user may see that initiative at all, so outsiders can do nothing with it (and the views
answer 404, exactly as for a missing event).

Venues: site admins manage every venue (in the Django admin and in the site); a group's
organisers add venues for their group and edit those. Who organises a group is the groups app's
answer: `groups.host_event` for putting on a new event, `groups.manage_events` for running the
events it already has (changing, cancelling, minutes, action items), `groups.manage_venues`.

An archived group puts on no new events and gets no new venues (not even from a site admin),
and is left out of the choices on those forms; its organisers still run its existing events.

Objects: `events.host_event` takes the host (a Group, Initiative, Ward or Councillor);
`events.add_venue` takes a Group or None ("may add a venue for some group");
`events.add_shared_venue` (a venue of no group, for everyone) takes nothing;
the rest take the Event or the Venue. Moving an action item on is `actions.update`
(grassroots/actions/rules.py), which asks `is_host` and `can_see` here about its event.
Answers are remembered for the rest of the request (`core.request_cache`).
"""

from __future__ import annotations

from typing import TypeGuard

import rules
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_councillor, is_moderator, is_site_admin
from grassroots.accounts.types import Viewer
from grassroots.core.request_cache import cached
from grassroots.events import visibility as event_visibility
from grassroots.events.models import Event, Venue
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import Initiative, MemberRole, Membership, MembershipStatus
from grassroots.initiatives.visibility import can_view, visible_initiatives
from grassroots.places.models import Councillor, CouncillorTerm, Ward
from grassroots.places.selectors import councillor_id_for

Host = Group | Initiative | Ward | Councillor


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def host_of(event: Event) -> Host:
    """The one host of an event (a check constraint guarantees exactly one)."""
    host = event.group or event.initiative or event.ward or event.councillor
    assert host is not None
    return host


def _organised(user: User) -> dict[str, set[int]]:
    """The groups the user organises (active organiser memberships), split into "live" and
    "archived" ones, one query per request."""

    def split() -> dict[str, set[int]]:
        found: dict[str, set[int]] = {"live": set(), "archived": set()}
        rows = GroupMembership.objects.filter(
            user=user, role=GroupRole.ORGANISER, status=GroupMembershipStatus.ACTIVE
        ).values_list("group_id", "group__archived_at")
        for group_id, archived_at in rows:
            found["live" if archived_at is None else "archived"].add(group_id)
        return found

    return cached(("events.rules", "organises", user.pk), split)


def organised_group_ids(user: Viewer) -> set[int]:
    """Groups the user organises that are not archived: the groups they may put on a new
    event for or add a venue for."""
    if not _signed_in(user):
        return set()
    return _organised(user)["live"]


def archived_organised_group_ids(user: Viewer) -> set[int]:
    """Archived groups the user organises (so a form can say why they are not a choice)."""
    if not _signed_in(user):
        return set()
    return _organised(user)["archived"]


def led_initiative_ids(user: Viewer) -> set[int]:
    if not _signed_in(user):
        return set()
    return cached(
        ("events.rules", "leads", user.pk),
        lambda: set(
            Membership.objects.filter(
                user=user, role=MemberRole.LEAD, status=MembershipStatus.APPROVED
            ).values_list("initiative_id", flat=True)
        ),
    )


def represented_ward_ids(user: Viewer) -> set[int]:
    """Wards the user is a councillor for today (only with two-factor authentication on)."""
    councillor_id = councillor_id_for(user)
    if councillor_id is None or not is_councillor(user):
        return set()
    return cached(
        ("events.rules", "wards", user.pk),
        lambda: set(
            CouncillorTerm.objects.current(timezone.localdate())
            .filter(councillor_id=councillor_id)
            .values_list("ward_id", flat=True)
        ),
    )


def hosts(user: Viewer, host: Host) -> bool:
    """Whether `user` may put on a new event for `host` (a group must not be archived)."""
    if isinstance(host, Group):
        return _signed_in(user) and bool(user.has_perm("groups.host_event", host))
    return runs(user, host)


def hosts_for(user: Viewer) -> list[Host]:
    """Everything `user` may put on a new event for, in the order a form lists them: the groups
    they organise, the initiatives they lead, the wards they represent, their own surgery."""
    if not _signed_in(user):
        return []
    found: list[Host] = list(
        Group.objects.filter(pk__in=organised_group_ids(user)).order_by("name")
    )
    led = visible_initiatives(user, Initiative.objects.filter(pk__in=led_initiative_ids(user)))
    found.extend(led.order_by("title"))
    found.extend(Ward.objects.filter(pk__in=represented_ward_ids(user)).order_by("name"))
    councillor_id = councillor_id_for(user)
    if councillor_id is not None and is_councillor(user):
        councillor = Councillor.objects.filter(pk=councillor_id).first()
        if councillor is not None:
            found.append(councillor)
    return found


def runs(user: Viewer, host: Host) -> bool:
    """Whether `user` may run the events `host` already has: change or cancel them, write
    their minutes, manage their action items (an archived group's organisers still may)."""
    if not _signed_in(user):
        return False
    if isinstance(host, Group):
        return bool(user.has_perm("groups.manage_events", host))  # the group's organisers
    if isinstance(host, Initiative):
        return host.pk in led_initiative_ids(user) and can_view(user, host)
    if isinstance(host, Ward):
        return host.pk in represented_ward_ids(user)
    if isinstance(host, Councillor):
        return bool(is_councillor(user)) and councillor_id_for(user) == host.pk
    return False


def sees_event(user: Viewer, event: Event) -> bool:
    """Whether `user` may open the event's page: the visibility rule (`events.visibility`),
    and for an event a moderator hid, its hosts and the moderators who may see its host."""
    if event.hidden_at is None:
        return event_visibility.can_view(user, event)
    initiative = event.initiative if event.initiative_id is not None else None
    if initiative is not None and not can_view(user, initiative):
        return False
    return bool(is_moderator(user)) or runs(user, host_of(event))


@rules.predicate
def is_host(user: Viewer, obj: object) -> bool:
    """For an event: runs its host's events; for a host: may put on a new
    event for it."""
    if isinstance(obj, Event):
        return runs(user, host_of(obj))
    if isinstance(obj, Group | Initiative | Ward | Councillor):
        return hosts(user, obj)
    return False


@rules.predicate
def can_see(user: Viewer, obj: object) -> bool:
    return isinstance(obj, Event) and sees_event(user, obj)


@rules.predicate
def organises_venue_group(user: Viewer, obj: object) -> bool:
    """For a venue: organises the group that added it; for a group: organises it;
    with no object: organises some group that is not archived."""
    if isinstance(obj, Venue):
        return obj.group is not None and bool(user.has_perm("groups.manage_venues", obj.group))
    if isinstance(obj, Group):
        return bool(user.has_perm("groups.manage_venues", obj))
    if obj is None:
        return bool(organised_group_ids(user))
    return False


@rules.predicate
def for_an_archived_group(user: Viewer, obj: object) -> bool:
    """A venue would be added for an archived group (nobody may, not even a site admin)."""
    return isinstance(obj, Group) and obj.archived_at is not None


signed_in = rules.predicate(_signed_in)

rules.add_perm("events.view_event", can_see)
rules.add_perm("events.host_event", signed_in & is_host)
rules.add_perm("events.change_event", signed_in & can_see & is_host)
rules.add_perm("events.cancel_event", signed_in & can_see & is_host)
rules.add_perm("events.rsvp", signed_in & can_see)
rules.add_perm("events.write_minutes", signed_in & can_see & is_host)
rules.add_perm("events.add_action", signed_in & can_see & is_host)
rules.add_perm(
    "events.add_venue",
    signed_in & ~for_an_archived_group & (is_site_admin | organises_venue_group),
)
# A venue of nobody's group, for every host to use: site admins only.
rules.add_perm("events.add_shared_venue", signed_in & is_site_admin)
rules.add_perm("events.change_venue", signed_in & (is_site_admin | organises_venue_group))
