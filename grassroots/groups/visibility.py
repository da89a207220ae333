"""Who may see a group: everybody.

Every group is public: its page, its members' names as the page shows them, its coming events
and its ordinary conversations are for anyone, signed in or not (an archived group included,
marked as such). What a group keeps private lives in its safeguarded conversations, which
`conversations.visibility` decides.

The module still offers the three forms every kind of thing has (see `core.visibility`), so
pages, lists and notifications ask the same questions of groups as of anything else, and a
rule added here later reaches all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.groups.models import Group


def visible_groups(
    viewer: Viewer | None, queryset: QuerySet[Group] | None = None
) -> QuerySet[Group]:
    """The groups `viewer` may know exist: all of them."""
    return queryset if queryset is not None else Group.objects.all()


def can_view(viewer: Viewer | None, group: Group) -> bool:
    return True


def people_q(group: Group) -> Q:
    """Q on users: who may see `group` (every active person)."""
    return Q(is_active=True)


def viewers_of(groups: Iterable[Group], user_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each group, which of `user_ids` may see it (every active one), in one query."""
    return core.viewers_of(groups, user_ids, restricted=lambda group: False, people=people_q)


def viewers(group: Group, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([group], user_ids)[group.pk]
