"""The shape every visibility rule shares (initiatives, conversations, events, groups, ...).

Each kind of thing has one `<app>/visibility.py`. It answers one question, "may this person
see this thing?", in the three forms the site needs, all built from the same conditions:

- `can_view(viewer, thing) -> bool`: one person, one thing (pages, rules predicates);
- `visible_<things>(viewer, queryset) -> QuerySet`: one person, many things (lists, counts,
  search, feeds, sitemaps, the API, exports, digests);
- `viewers(thing, user_ids) -> set[int]` and `viewers_of(things, user_ids)`: many people, one
  or many things (who a notification may reach).

The conditions are *grants*: functions of a person and a thing that return a `Q`. Either side
may be a real row or `OUTER`, the row of the query the condition ends up in. Asked with
(viewer, OUTER) a grant filters things; asked with (OUTER, thing) it filters users. So a grant
such as "an approved member" is written once, as one `Exists(...)` over the membership table,
and every form of the rule reads the same words.

Who holds a role (moderators, two-factor authentication) comes from `accounts.selectors` alone.
Answers are remembered for the rest of a request in `core.request_cache`, never on objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeAlias, TypeVar

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Model, OuterRef, Q, QuerySet, Value, When

PersonT = TypeVar("PersonT")
ThingT = TypeVar("ThingT")
T = TypeVar("T", bound=Model)

# A side of a grant: a concrete row (a person or a thing), or the row of the enclosing query.
# Each app names its own, e.g. `User | OuterRef` and `Initiative | OuterRef`.
Ref = Model | OuterRef
# A condition relating a person and a thing: grant(person, thing) -> Q.
Grant: TypeAlias = Callable[[PersonT, ThingT], Q]


def outer() -> OuterRef:
    """The row of the query a grant's `Exists(...)` is placed in."""
    return OuterRef("pk")


def key(ref: Ref) -> OuterRef | int:
    """What to compare a primary key with: the outer row's, or the row's own."""
    if isinstance(ref, OuterRef):
        return ref
    pk: int = ref.pk
    return pk


def nothing() -> Q:
    """A condition no row meets."""
    return Q(pk__in=[])


# Past this many restricted things seen (a moderator sees every hidden initiative), the flat
# forms put the subquery that finds them into the SQL instead of a list of their ids.
MAX_LISTED_IDS = 2000


def public_or_seen(
    public: Q, field: str, ids: tuple[int, ...], restricted: Callable[[], QuerySet[Any]]
) -> Q:
    """`public`, or `field` is one of `ids`: the restricted things a person sees (a kind's
    `restricted_visible_ids()`), as a short IN list, or past `MAX_LISTED_IDS` as the subquery
    `restricted()` that finds them."""
    if not ids:
        return public
    if len(ids) > MAX_LISTED_IDS:
        return public | Q(**{f"{field}__in": restricted().values("pk")})
    return public | Q(**{f"{field}__in": ids})


def any_grant(grants: Iterable[Grant[PersonT, ThingT]], person: PersonT, thing: ThingT) -> Q:
    """Whether any of `grants` relates `person` and `thing` (nothing when there are none)."""
    condition = nothing()
    for grant in grants:
        condition |= grant(person, thing)
    return condition


def active_ids(user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` belong to active accounts (everybody sees what is public), in one
    query."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    users = get_user_model().objects.filter(pk__in=ids, is_active=True)
    return set(users.values_list("pk", flat=True))


def viewers_of(
    things: Iterable[T],
    user_ids: Iterable[int],
    *,
    restricted: Callable[[T], bool],
    people: Callable[[T], Q],
) -> dict[int, set[int]]:
    """For each thing, which of `user_ids` may see it, in one query for all the restricted
    things (one more for the unrestricted ones): `people(thing)` is the rule's condition on
    users for that thing, `restricted(thing)` says whether it is more than "every active
    person"."""
    by_pk = {thing.pk: thing for thing in things}
    ids = list(set(user_ids))
    if not by_pk or not ids:
        return {pk: set() for pk in by_pk}
    answers: dict[int, set[int]] = {}
    open_ones = [pk for pk, thing in by_pk.items() if not restricted(thing)]
    if open_ones:
        everyone = active_ids(ids)
        answers.update({pk: set(everyone) for pk in open_ones})
    closed = [thing for thing in by_pk.values() if restricted(thing)]
    if closed:
        columns = {
            f"sees_{thing.pk}": Case(
                When(people(thing), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for thing in closed
        }
        names = list(columns)
        rows = (
            get_user_model()
            .objects.filter(pk__in=ids)
            .annotate(**columns)
            .values_list("pk", *names)
        )
        for thing in closed:
            answers[thing.pk] = set()
        for pk, *seen in rows:
            for thing, yes in zip(closed, seen, strict=True):
                if yes:
                    answers[thing.pk].add(pk)
    return answers
