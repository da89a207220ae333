"""Who may see neighbourhood funds: everybody.

Funds, their plans (every revision) and partnerships (members, their roles, whether they are
residents and the organisation they represent) are public, signed in or not: public money and
the people who decide how it is spent are accountable in the open. Nothing here is
safeguarded.

The module still offers the forms every kind of thing has (see `core.visibility`), so pages,
lists and notifications ask the same questions of funds as of anything else, and a rule added
here later reaches all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from grassroots.accounts.types import Viewer
from grassroots.core import visibility as core
from grassroots.funding.models import Fund, Partnership


def visible_funds(viewer: Viewer | None, queryset: QuerySet[Fund] | None = None) -> QuerySet[Fund]:
    """The funds `viewer` may know exist: all of them."""
    return queryset if queryset is not None else Fund.objects.all()


def visible_partnerships(
    viewer: Viewer | None, queryset: QuerySet[Partnership] | None = None
) -> QuerySet[Partnership]:
    """The partnerships `viewer` may know exist: all of them."""
    return queryset if queryset is not None else Partnership.objects.all()


def can_view(viewer: Viewer | None, thing: Fund | Partnership) -> bool:
    """Funds (with their plans) and partnerships are public."""
    return True


def people_q(thing: Fund | Partnership) -> Q:
    """Q on users: who may see `thing` (every active person)."""
    return Q(is_active=True)


def viewers_of(
    things: Iterable[Fund | Partnership], user_ids: Iterable[int]
) -> dict[int, set[int]]:
    """For each fund or partnership, which of `user_ids` may see it (every active one)."""
    return core.viewers_of(things, user_ids, restricted=lambda thing: False, people=people_q)


def viewers(thing: Fund | Partnership, user_ids: Iterable[int]) -> set[int]:
    return viewers_of([thing], user_ids)[thing.pk]
