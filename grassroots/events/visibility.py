"""Who may see an event: the one definition every surface uses.

An event follows its host. An event put on by an initiative is seen by exactly the people who
may see that initiative (`initiatives.visibility` decides: a safeguarded or hidden initiative
takes its events with it); events of groups, wards and councillors are public. An event a
moderator has hidden is in nobody's lists, counts, feeds or notifications; its page stays open
to its hosts and to moderators, which is a permission (`events.rules.sees_event`), not part of
this rule.

The three forms of the rule (see `core.visibility`): `can_view()`, `visible_events()`,
`viewers()` / `viewers_of()`. Calendar feeds use `visible_events()` as an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.core.request_cache import scoped
from grassroots.events.models import Event
from grassroots.initiatives import visibility as initiatives


@scoped
def visible_events(
    viewer: Viewer | None, queryset: QuerySet[Event] | None = None
) -> QuerySet[Event]:
    """The events `viewer` may find in lists, counts and feeds."""
    qs = queryset if queryset is not None else Event.objects.all()
    # The host initiative's rule as a condition on its joined row (initiatives.of_visible),
    # not IN over every visible initiative, which PostgreSQL would gather in full first.
    of_visible = initiatives.of_visible(viewer, "initiative")
    return qs.filter(Q(hidden_at__isnull=True) & (Q(initiative__isnull=True) | of_visible))


def sharing_key(viewer: Viewer | None) -> tuple[int, ...]:
    """What the events `viewer` sees depend on besides the tables themselves: the restricted
    initiatives they may see (`initiatives.restricted_visible_ids`). An event is seen by
    everybody unless hidden (then by nobody in lists) or put on by an initiative, and then
    exactly when its initiative is seen; so `visible_events(viewer)` is every event not hidden
    whose initiative is none, public, or one of these. Two people with the same key see the
    same events, and a list drawn for one may be shared with the other under it
    (`core.pagecache.shared`)."""
    return initiatives.restricted_visible_ids(viewer)


@scoped
def can_view(viewer: Viewer | None, event: Event) -> bool:
    if event.hidden_at is not None:
        return False
    if event.initiative_id is None:
        return True
    assert event.initiative is not None
    return initiatives.can_view(viewer, event.initiative)


def _restricted(event: Event) -> bool:
    if event.hidden_at is not None:
        return True
    return event.initiative is not None and not initiatives.is_public(event.initiative)


def people_q(event: Event) -> Q:
    """Q on users: who may see `event`."""
    if event.hidden_at is not None:
        return core.nothing()
    if event.initiative is not None:
        return initiatives.people_q(event.initiative)
    return Q(is_active=True)


def viewers_of(events: Iterable[Event], user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each event, which of `user_ids` may see it: one query for all the restricted ones,
    one for the rest."""
    return core.viewers_of(events, user_ids, restricted=_restricted, people=people_q)


def viewers(event: Event, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `event`, in one query."""
    return viewers_of([event], user_ids)[event.pk]
