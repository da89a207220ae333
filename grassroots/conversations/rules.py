"""Who may do what in a conversation (rules predicates; see tests/test_rules_conversations.py).

- Reading follows `visibility.py` only (plus: a conversation a moderator hid is shown to
  moderators and its starter alone).
- Starting one: an initiative's acting leads, a group's organisers, or, for a ward, any
  signed-in resident whose home ward it is and that ward's councillors.
- Replying and agreeing follow the audience the host chose: everyone signed in; residents of
  the host's wards with those wards' councillors and the council's officers; or members of the
  initiative or group. `reply_refusal()` says in plain words why somebody may not.
- The host (initiative leads, group organisers, the starter of a ward conversation) pins the
  summary, records agreed actions (`conversations.record_action`; the actions app asks it)
  and closes the conversation.
- A conversation of an archived group is read-only: no replies, agreements, edits, pinned
  summaries, agreed actions or closing (it counts as closed, with its own reason); agreed
  actions already recorded can still be marked done (`actions.update`, in the actions app),
  and authors can still remove their posts.
- Councillors and officers take part as labelled participants: no moderating power comes
  with the role. Moderators hide and restore (the moderation app), they do not host.

Look-ups are remembered for the rest of the request (`core.request_cache`), so a page that
asks many questions about one conversation costs a fixed number of queries.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeGuard

import rules
from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.rules import is_councillor, is_moderator, is_officer
from grassroots.accounts.types import Viewer
from grassroots.conversations.models import Audience, Conversation, Post
from grassroots.conversations.visibility import can_view
from grassroots.core import compiled
from grassroots.core.request_cache import cached
from grassroots.groups.models import Group
from grassroots.groups.selectors import is_member, is_organiser
from grassroots.initiatives.models import Initiative, Membership, MembershipStatus
from grassroots.initiatives.rules import initiative_ward_ids, represented_ward_ids
from grassroots.places.models import Ward


def edit_window() -> datetime.timedelta:
    """How long an author may change what they wrote (settings.CONVERSATION_EDIT_WINDOW_MINUTES)."""
    return datetime.timedelta(minutes=settings.CONVERSATION_EDIT_WINDOW_MINUTES)


def _signed_in(user: Viewer) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_active


def _cache(user: Viewer, name: str) -> dict[object, object]:
    """A dictionary of answers about `user` kept for the rest of the request."""
    return cached(("conversations.rules", name, user.pk), dict)


def _conversation_of(obj: object) -> Conversation | None:
    if isinstance(obj, Conversation):
        return obj
    if isinstance(obj, Post):
        return obj.conversation
    return None


# --- Facts about the host ----------------------------------------------------------------------


def host_ward_ids(conversation: Conversation) -> frozenset[int]:
    """The wards whose residents count as "residents of the area"."""
    if conversation.ward_id is not None:
        return frozenset({conversation.ward_id})
    if conversation.initiative is not None:
        return initiative_ward_ids(conversation.initiative)
    if conversation.group is not None:
        return group_ward_ids(conversation.group)
    return frozenset()


def group_ward_ids(group: Group) -> frozenset[int]:
    prefetched = getattr(group, "_prefetched_objects_cache", {}).get("wards")
    if prefetched is not None:
        return frozenset(w.pk for w in prefetched)
    return cached(
        ("groups.ward_ids", group.pk),
        lambda: frozenset(group.wards.values_list("pk", flat=True)),
    )


def host_council_ids(conversation: Conversation) -> frozenset[int]:
    """The councils whose officers count as officers "of the area"."""
    if conversation.ward is not None:
        return frozenset({conversation.ward.council_id})
    if conversation.group is not None:
        return frozenset({conversation.group.council_id})
    ward_ids = host_ward_ids(conversation)
    return cached(
        ("conversations.host_councils", conversation.pk),
        lambda: frozenset(
            Ward.objects.filter(pk__in=ward_ids).values_list("council_id", flat=True)
        ),
    )


def _initiative_member(user: Viewer, initiative: Initiative) -> bool:
    if not _signed_in(user):
        return False
    cache = _cache(user, "initiative_member")
    if initiative.pk not in cache:
        cache[initiative.pk] = Membership.objects.filter(
            initiative=initiative, user=user, status=MembershipStatus.APPROVED
        ).exists()
    return bool(cache[initiative.pk])


def _officer_councils_query(user_id: int) -> QuerySet[Any, Any]:
    return (
        OfficerPost.objects.current(timezone.localdate())
        .filter(user_id=user_id)
        .order_by()
        .values(council=F("department__council_id"))
    )


def _officer_council_ids(user: User) -> frozenset[int]:
    # Asked on many pages for officers: compiled once a day (core/compiled.py).
    def councils() -> frozenset[int]:
        day = timezone.localdate()
        rows = compiled.fetch(
            "conversations.officer_councils", day, OfficerPost, _officer_councils_query, user.pk
        )
        return frozenset(row["council"] for row in rows)

    return cached(("conversations.rules", "officer_councils", user.pk), councils)


def _leads_initiative(user: Viewer, initiative: Initiative) -> bool:
    return bool(user.has_perm("initiatives.edit_initiative", initiative))


def _organises(user: Viewer, group: Group) -> bool:
    """An active organiser (the groups app's rule, remembered for the request)."""
    return is_organiser(user, group)


def _member_of_group(user: Viewer, group: Group) -> bool:
    """An active member or organiser (the groups app's rule)."""
    return is_member(user, group)


def councillor_of_wards(user: Viewer, ward_ids: frozenset[int]) -> bool:
    """A councillor (with two-factor sign-in) currently representing one of `ward_ids`."""
    return bool(represented_ward_ids(user) & ward_ids) and bool(is_councillor(user))


def officer_of_councils(user: Viewer, council_ids: frozenset[int]) -> bool:
    return (
        _signed_in(user)
        and bool(is_officer(user))
        and bool(_officer_council_ids(user) & council_ids)
    )


# --- Predicates --------------------------------------------------------------------------------


@rules.predicate
def signed_in(user: Viewer) -> bool:
    return _signed_in(user)


@rules.predicate
def may_start(user: Viewer, host: object) -> bool:
    """Whether `user` may start a conversation hosted by `host` (a Ward, Initiative or Group)."""
    if not _signed_in(user):
        return False
    if isinstance(host, Initiative):
        return _leads_initiative(user, host)
    if isinstance(host, Group):
        return bool(user.has_perm("groups.host_conversation", host))
    if isinstance(host, Ward):
        if host.retired_at is not None:
            return False
        if user.ward_id == host.pk:
            return True
        return councillor_of_wards(user, frozenset({host.pk}))
    return False


@rules.predicate
def may_see(user: Viewer, obj: object) -> bool:
    conversation = _conversation_of(obj)
    if conversation is None:
        return False
    cache = _cache(user, "sees") if _signed_in(user) else None
    if cache is not None and conversation.pk in cache:
        return bool(cache[conversation.pk])
    seen = can_view(user, conversation)
    if seen and conversation.is_hidden:
        seen = bool(is_moderator(user)) or (
            _signed_in(user) and conversation.started_by_id == user.pk
        )
    if cache is not None:
        cache[conversation.pk] = seen
    return seen


@rules.predicate
def is_host(user: Viewer, obj: object) -> bool:
    """Runs the conversation: initiative leads, group organisers, the starter of a ward one."""
    conversation = _conversation_of(obj)
    if conversation is None or not _signed_in(user):
        return False
    if conversation.initiative is not None:
        return _leads_initiative(user, conversation.initiative)
    if conversation.group is not None:
        return _organises(user, conversation.group)
    return bool(conversation.started_by_id == user.pk)


@rules.predicate
def in_audience(user: Viewer, obj: object) -> bool:
    """The audience the host chose allows `user` to take part."""
    conversation = _conversation_of(obj)
    if conversation is None or not _signed_in(user):
        return False
    if conversation.audience == Audience.EVERYONE:
        return True
    if conversation.audience == Audience.MEMBERS:
        if conversation.initiative is not None:
            return _initiative_member(user, conversation.initiative)
        if conversation.group is not None:
            return _member_of_group(user, conversation.group)
        return False  # a ward has no members; the start form never offers it
    wards = host_ward_ids(conversation)
    return (
        (user.ward_id is not None and user.ward_id in wards)
        or councillor_of_wards(user, wards)
        or officer_of_councils(user, host_council_ids(conversation))
    )


def archived_group(conversation: Conversation) -> Group | None:
    """The archived group hosting `conversation`, if it is hosted by one."""
    group = conversation.group if conversation.group_id is not None else None
    return group if group is not None and group.archived_at is not None else None


@rules.predicate
def host_is_live(user: Viewer, obj: object) -> bool:
    """Not hosted by an archived group."""
    conversation = _conversation_of(obj)
    return conversation is not None and archived_group(conversation) is None


@rules.predicate
def is_open(user: Viewer, obj: object) -> bool:
    """Open to new replies: not closed by its host, and its group (if any) not archived."""
    conversation = _conversation_of(obj)
    return (
        conversation is not None
        and conversation.closed_at is None
        and archived_group(conversation) is None
    )


@rules.predicate
def is_post_author(user: Viewer, post: object) -> bool:
    return isinstance(post, Post) and _signed_in(user) and post.author_id == user.pk


@rules.predicate
def post_is_live(user: Viewer, post: object) -> bool:
    """Neither removed by its author nor hidden by a moderator."""
    return isinstance(post, Post) and post.removed_by_author_at is None and post.hidden_at is None


@rules.predicate
def within_edit_window(user: Viewer, post: object) -> bool:
    return isinstance(post, Post) and timezone.now() - post.created_at <= edit_window()


@rules.predicate
def post_is_public(user: Viewer, post: object) -> bool:
    """Shown to everybody who can read the conversation (not held for a moderator)."""
    return isinstance(post, Post) and not post.held_for_review


@rules.predicate
def not_hidden(user: Viewer, obj: object) -> bool:
    conversation = _conversation_of(obj)
    return conversation is not None and conversation.hidden_at is None


@rules.predicate
def safeguarded_in_group(user: Viewer, obj: object) -> bool:
    """A safeguarded conversation hosted by a group (its access list is the organisers')."""
    conversation = _conversation_of(obj)
    return (
        conversation is not None
        and conversation.is_safeguarded
        and conversation.group_id is not None
    )


@rules.predicate
def in_safeguarded(user: Viewer, obj: object) -> bool:
    """In a safeguarded conversation, or one of a safeguarded initiative (never moderators')."""
    conversation = _conversation_of(obj)
    return conversation is not None and (
        conversation.is_safeguarded
        or (conversation.initiative is not None and conversation.initiative.is_safeguarded)
    )


take_part = signed_in & may_see & not_hidden & is_open & in_audience

rules.add_perm("conversations.start", may_start)
rules.add_perm("conversations.see", may_see)
rules.add_perm("conversations.reply", take_part)
# Object: the post agreed with. Not your own, and only what everybody can see.
rules.add_perm("conversations.agree", take_part & post_is_live & post_is_public & ~is_post_author)
rules.add_perm(
    "conversations.edit_post",
    signed_in & may_see & is_open & is_post_author & post_is_live & within_edit_window,
)
rules.add_perm(
    "conversations.remove_post",
    signed_in & may_see & is_post_author & post_is_live,
)
rules.add_perm("conversations.pin_summary", signed_in & may_see & is_host & host_is_live)
rules.add_perm("conversations.record_action", signed_in & may_see & is_host & host_is_live)
rules.add_perm("conversations.close", signed_in & may_see & is_host & is_open)
# Object: a held reply. Moderators let it through, except in safeguarded conversations.
rules.add_perm("conversations.release_post", signed_in & is_moderator & ~in_safeguarded)
# The group's organisers choose who else may see a safeguarded group conversation.
rules.add_perm(
    "conversations.manage_access",
    signed_in & safeguarded_in_group & may_see & is_host & host_is_live,
)


def reply_refusal(user: Viewer, conversation: Conversation) -> str | None:
    """Why `user` may not reply, in plain words (None if they may)."""
    if not _signed_in(user):
        return _("Sign in to reply.")
    if conversation.closed_at is not None:
        return _("This conversation is closed to new replies.")
    group = archived_group(conversation)
    if group is not None:
        return _("%(group)s is archived, so this conversation is closed to new replies.") % {
            "group": group.name
        }
    if user.has_perm("conversations.reply", conversation):
        return None
    if conversation.audience == Audience.MEMBERS:
        host = conversation.initiative or conversation.group
        return _("Only members of %(host)s can reply.") % {"host": host}
    if conversation.audience == Audience.AREA:
        if user.ward_id is None:
            return _(
                "Only residents of the area, its councillors and council officers can reply. "
                "Add your postcode to your profile so we know which ward you live in."
            )
        return _(
            "Only residents of the area, its councillors and council officers can reply, "
            "and your postcode is in another ward."
        )
    return _("You cannot reply to this conversation.")
