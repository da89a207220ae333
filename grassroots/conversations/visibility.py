"""Who may see a conversation: the one definition every surface uses.

An ordinary conversation is visible to everybody. A safeguarded one is visible only to the
people inside its host: for an initiative, its insiders as `initiatives.visibility` counts them
for a safeguarded initiative (members, people invited, supporting councillors), whether the
initiative itself is safeguarded or public; for a group, not everyone who joins it (an open
group lets anyone in) but its active organisers, the person who started the conversation and
the members the organisers have given access (`ConversationAccess`), while they stay active
members of the group. Someone holding a role that needs two-factor authentication sees no
safeguarded conversation until they have set it up.
A ward cannot host a safeguarded conversation (a database constraint keeps it so). A
conversation hosted by a safeguarded initiative is always safeguarded: services set the flag,
and this rule also follows the host, so the two can never disagree.

A conversation hosted by an initiative is never seen by anyone who may not see that initiative:
when a moderator hides the initiative, its conversations go with it (only its leads and the
moderators still see them), and they come back when it is restored. The initiative's own rule
(`initiatives.visibility`) decides; nothing here repeats it.

Everybody else gets what they would get for a conversation that does not exist: a 404, no row
in any list, count, feed or digest, and no notification. The three forms of the rule (see
`core.visibility`): `can_view()`, `visible_conversations()` (and `of_visible()`, the same as
a condition on a row that refers to a conversation), `viewers()` / `viewers_of()`. As for
initiatives, the insider grants are asked once for each signed-in person, over the restricted
conversations only (`restricted_visible_ids()`), and the list forms for a signed-in viewer are
flat: `public_q()`, or one of those ids (the subquery instead, for a very long list).
A conversation a moderator has hidden itself is left to the callers (lists drop it; its page is
kept for its starter and the moderators).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.selectors import user_roles, without_required_mfa_q
from grassroots.accounts.types import Viewer
from grassroots.conversations.models import Conversation, ConversationAccess
from grassroots.core import pagecache
from grassroots.core import visibility as core
from grassroots.core.request_cache import cached, remember, scoped
from grassroots.groups.models import GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives import visibility as initiatives
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.visibility import PersonRef

# --- Grants: conditions relating a person and a group's conversation -------------------------

ConversationRef: TypeAlias = Conversation | OuterRef


def _active_member(person: PersonRef, conversation: ConversationRef) -> QuerySet[GroupMembership]:
    return GroupMembership.objects.filter(
        group__conversations=conversation, user=person, status=GroupMembershipStatus.ACTIVE
    )


def _organiser(person: PersonRef, conversation: ConversationRef) -> Q:
    return Q(Exists(_active_member(person, conversation).filter(role=GroupRole.ORGANISER)))


def _starter(person: PersonRef, conversation: ConversationRef) -> Q:
    return Q(Exists(Conversation.objects.filter(pk=core.key(conversation), started_by=person)))


def _let_in(person: PersonRef, conversation: ConversationRef) -> Q:
    return Q(Exists(ConversationAccess.objects.filter(conversation=conversation, user=person)))


def _group_insider(person: PersonRef, conversation: ConversationRef) -> Q:
    """An active member of the host group who organises it, started the conversation or was
    given access to it."""
    member = Q(Exists(_active_member(person, conversation)))
    return member & core.any_grant((_organiser, _starter, _let_in), person, conversation)


# --- One person, many conversations ----------------------------------------------------------


def _signed_in(viewer: Viewer | None) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


def _by_rule(viewer: Viewer, queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """The rule itself, for a signed-in `viewer`, with the group and initiative insider grants
    as `Exists` conditions. Read only to draw `restricted_visible_ids()` and for viewers who see
    too many of them."""
    assert not isinstance(viewer, AnonymousUser)
    # The host initiative's rule as a condition on its joined row (see initiatives.of_visible):
    # IN over every visible initiative made PostgreSQL gather them all for each list.
    of_visible = initiatives.of_visible(viewer, "initiative")
    if user_roles(viewer).may_be_inside:
        via_group = Q(group__isnull=False) & _group_insider(viewer, core.outer())
    else:
        via_group = core.nothing()
    elsewhere = Q(initiative__isnull=True) & (Q(is_safeguarded=False) | via_group)
    # A safeguarded conversation of a public initiative: only the people inside that initiative
    # (the same insiders as for a safeguarded one), never every signed-in person.
    inside = Q(
        initiative__in=Initiative.objects.filter(initiatives.insider_condition(viewer)).values("pk")
    )
    return queryset.filter(elsewhere | (of_visible & (Q(is_safeguarded=False) | inside)))


def _public(prefix: str = "") -> Q:
    ordinary = Q(**{f"{prefix}is_safeguarded": False})
    # A host initiative everybody sees: the initiatives rule for a signed-out visitor.
    public_host = initiatives.of_visible(None, f"{prefix}initiative")
    return ordinary & (Q(**{f"{prefix}initiative__isnull": True}) | public_host)


def public_q() -> Q:
    """What every visitor sees, signed in or not: ordinary conversations hosted by a ward, a
    group or a public initiative (everything `restricted_q()` leaves out)."""
    return _public()


def _or_restricted_seen(public: Q, viewer: Viewer, field: str) -> Q:
    """`public`, or `field` is one of the restricted conversations `viewer` sees: a short IN
    list of their ids, or, for a very long list, the subquery that finds them."""
    return core.public_or_seen(
        public,
        field,
        restricted_visible_ids(viewer),
        lambda: _by_rule(viewer, Conversation.objects.filter(restricted_q())),
    )


@scoped
def visible_conversations(
    viewer: Viewer | None, queryset: QuerySet[Conversation] | None = None
) -> QuerySet[Conversation]:
    """The conversations `viewer` may know exist (anonymous visitors: `public_q()` only).

    For a signed-in viewer a flat condition: public, or one of `restricted_visible_ids()`."""
    qs = queryset if queryset is not None else Conversation.objects.all()
    if viewer is None or not _signed_in(viewer):
        return qs.filter(public_q())
    return qs.filter(_or_restricted_seen(public_q(), viewer, "pk"))


@scoped
def of_visible(viewer: Viewer | None, field: str = "conversation") -> Q:
    """Q on a model with a foreign key `field` to Conversation: that conversation is one
    `viewer` may see (the same answer as `field__in=visible_conversations(viewer)`), as
    conditions on the joined rows and a short IN list of ids. A NULL `field` matches neither
    part."""
    public = _public(f"{field}__")
    if viewer is None or not _signed_in(viewer):
        return public
    return _or_restricted_seen(public, viewer, field)


def restricted_q() -> Q:
    """The conversations not everybody sees: safeguarded ones, and those of an initiative that
    is not public (safeguarded, or hidden by a moderator). Every other conversation is visible
    to every visitor, signed in or not."""
    return (
        Q(is_safeguarded=True)
        | Q(initiative__visibility=Visibility.SAFEGUARDED)
        | Q(initiative__hidden_at__isnull=False)
    )


def restricted_visible_ids(viewer: Viewer | None) -> tuple[int, ...]:
    """The restricted conversations (`restricted_q()`) that `viewer` may see, in id order; none
    for signed-out visitors. With the public ones, exactly what the rule shows `viewer`: the
    list forms and `can_view()` read them rather than the rule's conditions (one query a
    request, or none while the page cache keeps them), and they are the key for sharing what
    is drawn for one person with another (as `initiatives.visibility.restricted_visible_ids`,
    kept for the generation the same way)."""
    if viewer is None or not _signed_in(viewer):
        return ()
    assert not isinstance(viewer, AnonymousUser)
    roles = user_roles(viewer)
    parts = (viewer.pk, roles.may_be_inside, roles.moderator, timezone.localdate().isoformat())

    def draw() -> tuple[int, ...]:
        seen = _by_rule(viewer, Conversation.objects.filter(restricted_q() & _may_be_seen(viewer)))
        return tuple(seen.order_by("pk").values_list("pk", flat=True))

    return pagecache.shared(
        "conversations.restricted_visible", parts, draw, keep=lambda ids: not ids
    )


def _may_be_seen(viewer: Viewer) -> Q:
    """Where the restricted conversations `viewer` sees are to be found, read from indexes
    rather than the whole table: a safeguarded one (`conversation_safeguarded_idx`), or one
    hosted by a restricted initiative the viewer sees (a conversation of an initiative they
    may not see is never visible). The rule still decides among them."""
    return core.public_or_seen(
        Q(is_safeguarded=True),
        "initiative",
        initiatives.restricted_visible_ids(viewer),
        lambda: Initiative.objects.filter(initiatives.restricted_q()),
    )


# --- One person, one conversation ------------------------------------------------------------


@scoped
def can_view(viewer: Viewer | None, conversation: Conversation) -> bool:
    if not conversation.is_safeguarded:
        initiative = conversation.initiative
        if initiative is None:
            return True
        # The host initiative's rule, as it is (a hidden or safeguarded one asks the database).
        return initiatives.can_view(viewer, initiative)
    if viewer is None or not _signed_in(viewer):
        return False
    pk = conversation.pk
    return cached(
        ("conversations.can_view", viewer.pk, pk), lambda: pk in restricted_visible_ids(viewer)
    )


def remember_visible(viewer: Viewer | None, conversation: Conversation) -> None:
    """Note for the rest of the request that `conversation`, fetched through
    `visible_conversations(viewer)`, is visible to `viewer`."""
    if viewer is not None and _signed_in(viewer):
        remember(("conversations.can_view", viewer.pk, conversation.pk), True)


# --- Many people, one or many conversations --------------------------------------------------


def _restricted(conversation: Conversation) -> bool:
    initiative = conversation.initiative
    if initiative is not None and not initiatives.is_public(initiative):
        return True
    return conversation.is_safeguarded


def people_q(conversation: Conversation) -> Q:
    """Q on users: who may see `conversation`."""
    initiative = conversation.initiative
    if initiative is not None:
        # The host initiative's own rule decides (safeguarded, hidden or neither); a
        # safeguarded conversation of a public initiative is for that initiative's insiders.
        return initiatives.people_q(initiative, insiders_only=conversation.is_safeguarded)
    seen = Q(is_active=True)
    if conversation.is_safeguarded:
        seen &= ~without_required_mfa_q() & _group_insider(core.outer(), conversation)
    return seen


def viewers_of(
    conversations: Iterable[Conversation], user_ids: Iterable[int]
) -> dict[int, set[int]]:
    """For each conversation, which of `user_ids` may see it: one query for all the
    restricted ones, one for the rest."""
    return core.viewers_of(conversations, user_ids, restricted=_restricted, people=people_q)


def viewers(conversation: Conversation, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` may see `conversation`, in one query."""
    return viewers_of([conversation], user_ids)[conversation.pk]
