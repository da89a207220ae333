"""Reads for conversations: every page's queryset is shaped here, in a fixed number of queries.

Everything starts from `visibility.visible_conversations`, so a safeguarded conversation is
never in a list, a count or a page for someone outside it. Conversations hidden by a moderator
drop out of lists too.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_moderator
from grassroots.conversations.models import AgreedAction, Conversation, Post, Reaction
from grassroots.conversations.rules import edit_window
from grassroots.conversations.visibility import visible_conversations
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative, InitiativeWard
from grassroots.places.models import Council, Ward

HOST_LIST_LIMIT = 5
# The conversation page shows this many threads (a reply to the question with every answer
# under it) a page, oldest first. A thread never splits across pages, and pages are counted
# over every thread, shown or not to this viewer, so a reply's page never changes.
THREADS_PER_PAGE = 20


def _shaped(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return qs.select_related("initiative", "ward", "ward__council", "group", "started_by")


def conversation_detail(user: Any, pk: int) -> Conversation | None:
    """The conversation if `user` may see it (None exactly as for a missing one)."""
    conversation = _shaped(visible_conversations(user, Conversation.objects.filter(pk=pk))).first()
    if conversation is not None:
        conversation._gr_visible_to = getattr(user, "pk", None)  # type: ignore[attr-defined]
        if conversation.is_hidden and not (
            is_moderator(user)
            or (getattr(user, "is_authenticated", False) and conversation.started_by_id == user.pk)
        ):
            return None
    return conversation


def post_in(conversation: Conversation, pk: int | None) -> Post | None:
    """A reply of `conversation` by id (None if it is not one of its replies)."""
    if pk is None:
        return None
    post = (
        Post.objects.filter(pk=pk, conversation=conversation)
        .select_related("author", "parent")
        .first()
    )
    if post is not None:
        post.conversation = conversation
    return post


@dataclasses.dataclass
class ShownPost:
    """A reply as one viewer sees it, with the answers shown under it."""

    post: Post
    state: str  # "text", "removed", "hidden", "held"
    shown_text: bool  # whether the viewer sees its words (authors and moderators see more)
    agree_count: int
    agreed: bool
    mine: bool
    can_edit: bool
    can_remove: bool
    can_agree: bool
    can_answer: bool
    quote: Post | None
    quote_state: str
    children: list[ShownPost] = dataclasses.field(default_factory=list)


def _state(post: Post) -> str:
    if post.removed_by_author_at is not None:
        return "removed"
    if post.hidden_at is not None:
        return "hidden"
    if post.held_for_review:
        return "held"
    return "text"


def _thread_starts(conversation: Conversation) -> QuerySet[Post]:
    """The replies to the question itself (each starts a thread), oldest first."""
    return Post.objects.filter(conversation=conversation, parent__isnull=True).order_by("path")


def thread_page_number(post: Post) -> int:
    """The page of the conversation that shows `post` (one query)."""
    start = post.path.split(".", 1)[0]
    before = _thread_starts(post.conversation).filter(path__lt=start).count()
    return before // THREADS_PER_PAGE + 1


def post_page_url(post: Post) -> str:
    """The address of `post` on its conversation's page: the right page, at the reply."""
    number = thread_page_number(post)
    page = f"?page={number}" if number > 1 else ""
    return f"{post.conversation.get_absolute_url()}{page}#post-{post.pk}"


def post_url(post: Post) -> str:
    """A lasting link to `post` (no query: its page is found when the link is followed), for
    notifications, emails and the moderators' queue."""
    return reverse("conversations:post", kwargs={"pk": post.conversation_id, "post_pk": post.pk})


def thread(
    user: Any, conversation: Conversation, *, may_take_part: bool, page: Any = 1
) -> tuple[list[ShownPost], Page[str]]:
    """The threads on page `page` with every reply `user` may see in them, nested in context,
    and the page (for the pagination links): at most four queries whatever their number.

    Held replies show only to their author and moderators; hidden ones show as a placeholder
    except to their author and moderators. `may_take_part` (the reply permission, asked once
    by the caller) decides the agree and answer buttons. A bad page number gives the nearest
    real page, as Paginator.get_page.
    """
    starts = _thread_starts(conversation).values_list("path", flat=True)
    shown_page = Paginator(starts, THREADS_PER_PAGE).get_page(page)
    paths = list(shown_page)
    if not paths:
        return [], shown_page
    signed_in = bool(getattr(user, "is_authenticated", False) and user.is_active)
    moderator = bool(is_moderator(user))
    # The page's threads are one range of paths: from its first thread up to the next page's.
    in_range = Q(path__gte=paths[0])
    if shown_page.has_next():
        following = starts.filter(path__gt=paths[-1]).first()
        if following is not None:
            in_range &= Q(path__lt=following)
    qs = (
        Post.objects.filter(conversation=conversation)
        .filter(in_range)
        .select_related("author", "quoted", "quoted__author")
        .annotate(agree_count=Count("reactions"))
        .order_by("path")
    )
    if signed_in:
        qs = qs.annotate(
            agreed=Exists(Reaction.objects.filter(post=OuterRef("pk"), user_id=user.pk))
        )
    else:
        qs = qs.annotate(agreed=Value(False))
    if not moderator:
        qs = qs.filter(Q(held_for_review=False) | Q(author_id=getattr(user, "pk", None)))
    now = timezone.now()
    window = edit_window()
    open_ = conversation.closed_at is None and conversation.hidden_at is None
    roots: list[ShownPost] = []
    by_id: dict[int, ShownPost] = {}
    for post in qs:
        post.conversation = conversation
        state = _state(post)
        mine = signed_in and post.author_id == user.pk
        live = state in ("text", "held")
        quote = post.quoted
        quote_state = _state(quote) if quote is not None else ""
        if (
            quote is not None
            and quote_state == "held"
            and not (moderator or quote.author_id == getattr(user, "pk", None))
        ):
            quote = None
        shown = ShownPost(
            post=post,
            state=state,
            shown_text=state == "text" or (state in ("hidden", "held") and (mine or moderator)),
            agree_count=post.agree_count,
            agreed=bool(post.agreed),
            mine=mine,
            can_edit=mine and live and open_ and now - post.created_at <= window,
            can_remove=mine and state in ("text", "held"),
            can_agree=may_take_part and state == "text" and not mine,
            can_answer=may_take_part and state == "text",
            quote=quote,
            quote_state=quote_state,
        )
        by_id[post.pk] = shown
        parent = by_id.get(post.parent_id) if post.parent_id else None
        if parent is not None:
            parent.children.append(shown)
        else:
            roots.append(shown)
    return roots, shown_page


def agreed_actions(conversation: Conversation) -> list[AgreedAction]:
    return list(AgreedAction.objects.filter(conversation=conversation).select_related("owner"))


def participants(conversation: Conversation, *, limit: int = 200) -> list[User]:
    """People who replied or started it: the choices for "who will do it"."""
    replied = Post.objects.filter(conversation=conversation, author=OuterRef("pk"))
    return list(
        User.objects.filter(
            Q(Exists(replied)) | Q(pk=conversation.started_by_id), is_active=True
        ).order_by("display_name", "pk")[:limit]
    )


def _listed(user: Any) -> QuerySet[Conversation]:
    qs = visible_conversations(user, Conversation.objects.filter(hidden_at__isnull=True))
    return _shaped(qs).order_by(Coalesce("last_reply_at", "created_at").desc(), "-id")


def conversations_for(
    *,
    user: Any,
    initiative: Initiative | None = None,
    ward: Ward | None = None,
    group: Group | None = None,
    limit: int = HOST_LIST_LIMIT,
) -> tuple[list[Conversation], int]:
    """The latest conversations a host holds that `user` may see, and how many there are."""
    qs = _listed(user)
    if initiative is not None:
        qs = qs.filter(initiative=initiative)
    elif ward is not None:
        qs = qs.filter(ward=ward)
    elif group is not None:
        qs = qs.filter(group=group)
    else:
        return [], 0
    rows = list(qs[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    return rows, total


@dataclasses.dataclass
class ListFilters:
    council: Council | None = None
    ward: Ward | None = None
    initiative: Initiative | None = None
    group: Group | None = None
    status: str = ""  # "", "open" or "closed"


def conversation_list(user: Any, filters: ListFilters) -> QuerySet[Conversation]:
    """Conversations for /conversations/: a ward's include those of its initiatives and groups."""
    qs = _listed(user)
    if filters.initiative is not None:
        qs = qs.filter(initiative=filters.initiative)
    if filters.group is not None:
        qs = qs.filter(group=filters.group)
    if filters.ward is not None:
        ward = filters.ward
        qs = qs.filter(
            Q(ward=ward)
            | Q(initiative__in=InitiativeWard.objects.filter(ward=ward).values("initiative"))
            | Q(group__in=Group.wards.through.objects.filter(ward=ward).values("group"))
        )
    elif filters.council is not None:
        council = filters.council
        qs = qs.filter(
            Q(ward__council=council)
            | Q(
                initiative__in=InitiativeWard.objects.filter(ward__council=council).values(
                    "initiative"
                )
            )
            | Q(group__council=council)
        )
    if filters.status == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif filters.status == "closed":
        qs = qs.filter(closed_at__isnull=False)
    return qs


def councils() -> QuerySet[Council]:
    return Council.objects.order_by("name")


def council_wards(council: Council) -> QuerySet[Ward]:
    return Ward.objects.current().filter(council=council).order_by("name")
