"""Reads for conversations: every page's queryset is shaped here, in a fixed number of queries.

Everything starts from `visibility.visible_conversations`, so a safeguarded conversation is
never in a list, a count or a page for someone outside it. Conversations hidden by a moderator
drop out of lists too.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.rules import is_moderator
from grassroots.accounts.types import Viewer
from grassroots.conversations.models import (
    PATH_DIGITS,
    Conversation,
    ConversationAccess,
    Post,
    Reaction,
)
from grassroots.conversations.rules import edit_window
from grassroots.conversations.visibility import (
    remember_visible,
    restricted_visible_ids,
    visible_conversations,
)
from grassroots.core import pagecache
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole
from grassroots.initiatives.models import Initiative, InitiativeWard
from grassroots.places.models import Council, Ward

T = TypeVar("T")

HOST_LIST_LIMIT = 5
# The conversation page shows this many threads (a reply to the question with every answer
# under it) a page, oldest first. A thread never splits across pages, and pages are counted
# over every thread, shown or not to this viewer, so a reply's page never changes.
THREADS_PER_PAGE = 20
# Under each thread start the conversation page shows its first ANSWERS_SHOWN answers in path
# order (the first ones in context) and links to the thread page for the rest, so one busy
# thread cannot make the page long. The thread page shows ANSWERS_PER_PAGE answers a page.
ANSWERS_SHOWN = 10
ANSWERS_PER_PAGE = 50


def _shaped(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return qs.select_related("initiative", "ward", "ward__council", "group", "started_by")


def conversation_detail(user: Viewer, pk: int) -> Conversation | None:
    """The conversation if `user` may see it (None exactly as for a missing one)."""
    conversation = _shaped(visible_conversations(user, Conversation.objects.filter(pk=pk))).first()
    if conversation is not None:
        remember_visible(user, conversation)
        if conversation.is_hidden and not (
            is_moderator(user) or (user.is_authenticated and conversation.started_by_id == user.pk)
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
    # A thread start on the conversation page whose answers are cut short: how many answers
    # the viewer may see in the whole thread (the thread page shows them all); 0 if none cut.
    more_answers: int = 0
    # On a later page of the thread page: the reply it answers is on an earlier page.
    continued: bool = False


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


def _thread_key() -> Substr:
    """The first segment of a reply's path: the path of the thread start it belongs to."""
    return Substr("path", 1, PATH_DIGITS)


@dataclasses.dataclass
class Placement:
    """Where a reply sits: threads before its thread, and answers before it in its thread,
    counted over every reply (shown to a given viewer or not)."""

    threads_before: int
    answers_before: int


def placement(post: Post) -> Placement:
    """Where `post` sits in its conversation (one query).

    A thread is one contiguous range of path order starting at its start, so the answers
    before `post` in its thread are exactly the replies between its start and it.
    """
    start = post.path.split(".", 1)[0]
    counts = Post.objects.filter(
        conversation_id=post.conversation_id, path__lt=post.path
    ).aggregate(
        threads=Count("pk", filter=Q(parent__isnull=True, path__lt=start)),
        answers=Count("pk", filter=Q(path__gt=start)),
    )
    return Placement(counts["threads"] or 0, counts["answers"] or 0)


def _conversation_page_url(conversation: Conversation, threads_before: int) -> str:
    number = threads_before // THREADS_PER_PAGE + 1
    return conversation.get_absolute_url() + (f"?page={number}" if number > 1 else "")


def thread_url(conversation: Conversation, start_pk: int, answers_before: int = 0) -> str:
    """The page of a thread page that shows the answer with `answers_before` answers before it."""
    number = answers_before // ANSWERS_PER_PAGE + 1
    url = reverse("conversations:thread", kwargs={"pk": conversation.pk, "post_pk": start_pk})
    return url + (f"?page={number}" if number > 1 else "")


def post_page_url(post: Post, *, in_thread: bool = False) -> str:
    """Where `post` is shown, at the reply (one query): the conversation page if it starts a
    thread or is among the first ANSWERS_SHOWN answers of its thread, otherwise the right page
    of its thread page. `in_thread` (someone acting on the thread page) keeps to the thread
    page whatever the answer's place."""
    where = placement(post)
    start = post.path.split(".", 1)[0]
    if in_thread or (post.parent_id is not None and where.answers_before >= ANSWERS_SHOWN):
        url = thread_url(post.conversation, int(start), where.answers_before)
    else:
        url = _conversation_page_url(post.conversation, where.threads_before)
    return f"{url}#post-{post.pk}"


def post_url(post: Post) -> str:
    """A lasting link to `post` (no query: its page is found when the link is followed), for
    notifications, emails and the moderators' queue."""
    return reverse("conversations:post", kwargs={"pk": post.conversation_id, "post_pk": post.pk})


def _nearest_page(paginator: Paginator[T], number: object) -> Page[T]:
    """Page `number`, or the nearest real one for anything else (0 or less: the first; past
    the end: the last; not a number: the first), never an error."""
    text = str(number or "").strip()
    last = paginator.num_pages
    wanted = 1  # not a number, or a negative one
    if text.isascii() and text.isdigit():
        wanted = int(text) if len(text) < 19 else last
    return paginator.page(min(max(wanted, 1), last))


def _may_see(user: Viewer, moderator: bool) -> Q:
    """The replies `user` may see in a conversation they may see: held ones only their own
    (moderators see all). Hidden and removed ones show, as placeholders."""
    if moderator:
        return Q()
    if user.is_authenticated:
        return Q(held_for_review=False) | Q(author_id=user.pk)
    return Q(held_for_review=False)


def _ranked(answers: QuerySet[Post], *, per_thread: bool) -> QuerySet[Post]:
    """`answers` numbered 1, 2, ... in path order (within each thread if `per_thread`),
    counted over every reply whoever looks, so places never depend on the viewer."""
    return answers.order_by().annotate(
        position=Window(
            RowNumber(),
            partition_by=[_thread_key()] if per_thread else None,
            order_by=F("path").asc(),
        )
    )


class _Shaper:
    """Turns rows of replies into what one viewer sees, with their controls."""

    def __init__(self, user: Viewer, conversation: Conversation, *, may_take_part: bool) -> None:
        self.user = user
        self.conversation = conversation
        self.may_take_part = may_take_part
        self.signed_in = user.is_authenticated and user.is_active
        self.moderator = bool(is_moderator(user))
        self.now = timezone.now()
        self.window = edit_window()
        self.open = conversation.closed_at is None and conversation.hidden_at is None

    def visible(self) -> Q:
        return _may_see(self.user, self.moderator)

    def rows(self, where: Q) -> QuerySet[Post]:
        """The replies of the conversation matching `where` that the viewer may see, in path
        order, with their agree counts and quotes: one query."""
        qs = (
            Post.objects.filter(conversation=self.conversation)
            .filter(where)
            .filter(self.visible())
            .select_related("author", "quoted", "quoted__author")
            .annotate(agree_count=Count("reactions"))
            .order_by("path")
        )
        if self.signed_in and self.user.pk is not None:
            return qs.annotate(
                agreed=Exists(Reaction.objects.filter(post=OuterRef("pk"), user_id=self.user.pk))
            )
        return qs.annotate(agreed=Value(False))

    def shown(self, post: Post) -> ShownPost:
        user = self.user
        post.conversation = self.conversation
        state = _state(post)
        mine = self.signed_in and post.author_id == user.pk
        live = state in ("text", "held")
        quote = post.quoted
        quote_state = _state(quote) if quote is not None else ""
        if (
            quote is not None
            and quote_state == "held"
            and not (self.moderator or quote.author_id == user.pk)
        ):
            quote = None
        return ShownPost(
            post=post,
            state=state,
            shown_text=state == "text"
            or (state in ("hidden", "held") and (mine or self.moderator)),
            agree_count=post.agree_count,  # type: ignore[attr-defined]
            agreed=bool(post.agreed),  # type: ignore[attr-defined]
            mine=mine,
            can_edit=mine and live and self.open and self.now - post.created_at <= self.window,
            can_remove=mine and state in ("text", "held"),
            can_agree=self.may_take_part and state == "text" and not mine,
            can_answer=self.may_take_part and state == "text",
            quote=quote,
            quote_state=quote_state,
        )


def thread(
    user: Viewer, conversation: Conversation, *, may_take_part: bool, page: object = 1
) -> tuple[list[ShownPost], Page[str]]:
    """The threads on page `page`, each with the first ANSWERS_SHOWN answers in path order
    that `user` may see, nested in context, and the page (for the pagination links): at most
    five queries whatever the number of threads and answers.

    The answers shown are the thread's first ANSWERS_SHOWN in path order, counted over every
    answer (so the same ones for every viewer, less any held ones this viewer may not see);
    the database numbers them and hands over only those. A thread cut short carries the
    number of answers the viewer may see in it (`more_answers`), for the link to its thread
    page. Held replies show only to their author and moderators; hidden ones show as a
    placeholder except to their author and moderators. `may_take_part` (the reply permission,
    asked once by the caller) decides the agree and answer buttons. A bad page number gives
    the nearest real page.
    """
    starts = _thread_starts(conversation).values_list("path", flat=True)
    shown_page = _nearest_page(Paginator(starts, THREADS_PER_PAGE), page)
    paths = list(shown_page)
    if not paths:
        return [], shown_page
    shaper = _Shaper(user, conversation, may_take_part=may_take_part)
    # The page's threads are one range of paths: from its first thread up to the next page's.
    in_range = Q(path__gte=paths[0])
    if shown_page.has_next():
        following = starts.filter(path__gt=paths[-1]).first()
        if following is not None:
            in_range &= Q(path__lt=following)
    # Each thread's start is its first in path order, then come its answers.
    first = _ranked(
        Post.objects.filter(conversation=conversation).filter(in_range), per_thread=True
    ).filter(Q(position__lte=ANSWERS_SHOWN + 1))
    roots: list[ShownPost] = []
    by_id: dict[int, ShownPost] = {}
    for post in shaper.rows(Q(pk__in=first.values("pk"))):
        shown = shaper.shown(post)
        by_id[post.pk] = shown
        parent = by_id.get(post.parent_id) if post.parent_id else None
        if parent is not None:
            parent.children.append(shown)
        else:
            roots.append(shown)
    # How many answers the viewer may see in each thread, to say how many are not shown.
    visible_answers = dict(
        Post.objects.filter(conversation=conversation, parent__isnull=False)
        .filter(in_range)
        .filter(shaper.visible())
        .annotate(thread_key=_thread_key())
        .order_by()
        .values("thread_key")
        .annotate(answers=Count("pk"))
        .values_list("thread_key", "answers")
    )
    for root in roots:
        if root.post.parent_id is not None:
            continue
        answers = visible_answers.get(root.post.path, 0)
        if answers > _count_under(root):
            root.more_answers = answers
    return roots, shown_page


def _count_under(item: ShownPost) -> int:
    return sum(1 + _count_under(child) for child in item.children)


@dataclasses.dataclass
class ThreadPage:
    """One thread on its own page: its start with the page's answers nested under it."""

    start: ShownPost
    page: Page[int]
    answers: int  # answers the viewer may see in the whole thread
    conversation_url: str  # the page of the conversation that shows the thread


def thread_page(
    user: Viewer,
    conversation: Conversation,
    start_pk: int,
    *,
    may_take_part: bool,
    page: object = 1,
) -> ThreadPage | None:
    """The thread started by reply `start_pk`, a page of ANSWERS_PER_PAGE answers at a time,
    or None if that is not a thread start of `conversation` the viewer may see (a nested
    reply, another conversation's reply, a held one of someone else): three queries.

    Pages are contiguous ranges of the thread in path order, so every answer shows under the
    reply it answers. They are counted over every answer in the thread, shown to this viewer
    or not, so page N starts at the same answer for everyone and letting a held answer through
    moves nothing. Unlike threads on the conversation page, answers do not only append: an
    answer to an early reply takes its place in context, before later answers, and can push
    those on to the next page. Replies are never deleted (removal and hiding keep the row),
    so an answer only ever moves to a later page, never an earlier one. Page numbers are
    therefore not lasting addresses: the lasting link /conversations/N/replies/M/
    (`post_url`, followed through `post_page_url`) works out the page when it is followed.
    The start heads every page; an answer whose parent is on an earlier page is shown under
    it, marked `continued` with a link to the reply it answers.
    """
    starts = _thread_starts(conversation)
    start = (
        starts.filter(pk=start_pk)
        .annotate(
            following=Subquery(starts.filter(path__gt=OuterRef("path")).values("path")[:1]),
            threads_before=Coalesce(
                Subquery(
                    starts.filter(path__lt=OuterRef("path"))
                    .order_by()
                    .values("conversation")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .values("pk", "path", "held_for_review", "author_id", "following", "threads_before")
        .first()
    )
    shaper = _Shaper(user, conversation, may_take_part=may_take_part)
    if start is None or (
        start["held_for_review"]
        and not (shaper.moderator or (shaper.signed_in and start["author_id"] == user.pk))
    ):
        return None
    in_thread = Q(path__gt=start["path"])
    if start["following"] is not None:
        in_thread &= Q(path__lt=start["following"])
    answers = Post.objects.filter(conversation=conversation).filter(in_thread)
    visible = shaper.visible()
    counts = answers.order_by().aggregate(
        total=Count("pk"), visible=Count("pk", filter=visible) if visible else Count("pk")
    )
    # Only the count is needed to number the pages: the rows come by position below.
    shown_page = _nearest_page(Paginator(range(counts["total"] or 0), ANSWERS_PER_PAGE), page)
    low = (shown_page.number - 1) * ANSWERS_PER_PAGE
    on_page = _ranked(answers, per_thread=False).filter(
        Q(position__gt=low, position__lte=low + ANSWERS_PER_PAGE)
    )
    root: ShownPost | None = None
    by_id: dict[int, ShownPost] = {}
    for post in shaper.rows(Q(pk=start["pk"]) | Q(pk__in=on_page.values("pk"))):
        shown = shaper.shown(post)
        by_id[post.pk] = shown
        if root is None:
            root = shown  # the start comes first in path order
            continue
        parent = by_id.get(post.parent_id) if post.parent_id else None
        if parent is None:
            shown.continued = True
            parent = root
        parent.children.append(shown)
    if root is None:  # gone since the first query
        return None
    return ThreadPage(
        start=root,
        page=shown_page,
        answers=counts["visible"] or 0,
        conversation_url=_conversation_page_url(conversation, start["threads_before"]),
    )


def participants(conversation: Conversation, *, limit: int = 200) -> list[User]:
    """People who replied or started it: the choices for "who will do it"."""
    replied = Post.objects.filter(conversation=conversation, author=OuterRef("pk"))
    return list(
        User.objects.filter(
            Q(Exists(replied)) | Q(pk=conversation.started_by_id), is_active=True
        ).order_by("display_name", "pk")[:limit]
    )


def _listed(user: Viewer) -> QuerySet[Conversation]:
    qs = visible_conversations(user, Conversation.objects.filter(hidden_at__isnull=True))
    return _shaped(qs).order_by(Coalesce("last_reply_at", "created_at").desc(), "-id")


@dataclasses.dataclass
class HostList:
    rows: list[Conversation]
    total: int
    # How they were kept for everybody who sees the same (`pagecache.kept_as`), so HTML drawn
    # from them may be kept beside them; None for an insider.
    kept_as: tuple[pagecache.Part, ...] | None = None


def conversations_for(
    *,
    user: Viewer,
    initiative: Initiative | None = None,
    ward: Ward | None = None,
    group: Group | None = None,
    limit: int = HOST_LIST_LIMIT,
) -> HostList:
    """The latest conversations a host holds that `user` may see, and how many there are.

    Shared (`pagecache.shared`) with everyone who sees the same restricted conversations
    (`visibility.restricted_visible_ids`): the public ones and those ids are exactly what
    `user` may see, so the rows depend on the host, the limit and that answer alone. Nothing
    personal is in them; what `user` may do with the host is asked by the caller."""
    if initiative is not None:
        host: tuple[str, int] = ("initiative", initiative.pk)
        of_host = Q(initiative=initiative)
    elif ward is not None:
        host, of_host = ("ward", ward.pk), Q(ward=ward)
    elif group is not None:
        host, of_host = ("group", group.pk), Q(group=group)
    else:
        return HostList([], 0)
    seen = restricted_visible_ids(user)

    def draw() -> tuple[list[Conversation], int]:
        qs = visible_conversations(
            user, Conversation.objects.filter(of_host, hidden_at__isnull=True)
        )
        # What the rows show (no person's row: nothing of anyone's account is kept).
        qs = qs.select_related("initiative", "ward", "ward__council", "group").order_by(
            Coalesce("last_reply_at", "created_at").desc(), "-id"
        )
        rows = list(qs[:limit])
        return rows, len(rows) if len(rows) < limit else qs.count()

    parts = (*host, limit, seen)
    rows, total = pagecache.shared("conversations.of_host", parts, draw, keep=lambda _: not seen)
    return HostList(rows, total, pagecache.kept_as("conversations.of_host", parts))


def ward_conversation_ids(ward: Ward) -> QuerySet[Conversation, Any]:
    """The ids of the conversations of `ward`, its initiatives and its groups: a UNION of three
    small sets, each read from an index (an OR of the three made PostgreSQL walk every
    conversation in the list's order to find a quiet ward's few)."""
    hosts = (
        Conversation.objects.filter(ward=ward),
        Conversation.objects.filter(
            initiative__in=InitiativeWard.objects.filter(ward=ward).values("initiative")
        ),
        Conversation.objects.filter(
            group__in=Group.wards.through.objects.filter(ward=ward).values("group")
        ),
    )
    first, *rest = (q.order_by().values("pk") for q in hosts)
    return first.union(*rest)


@dataclasses.dataclass
class ListFilters:
    council: Council | None = None
    ward: Ward | None = None
    initiative: Initiative | None = None
    group: Group | None = None
    status: str = ""  # "", "open" or "closed"


def conversation_list(user: Viewer, filters: ListFilters) -> QuerySet[Conversation]:
    """Conversations for /conversations/: a ward's include those of its initiatives and groups."""
    qs = _listed(user)
    if filters.initiative is not None:
        qs = qs.filter(initiative=filters.initiative)
    if filters.group is not None:
        qs = qs.filter(group=filters.group)
    if filters.ward is not None:
        qs = qs.filter(pk__in=ward_conversation_ids(filters.ward))
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


def access_list(conversation: Conversation) -> tuple[list[ConversationAccess], list[User]]:
    """A safeguarded group conversation's people: those given access (with the row's date),
    and the group's other active members who could be let in (organisers and the starter
    are always inside, so neither list offers them). Two queries."""
    granted = list(
        ConversationAccess.objects.filter(conversation=conversation)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    assert conversation.group_id is not None  # only a group conversation has an access list
    inside = {a.user_id for a in granted}
    if conversation.started_by_id is not None:
        inside.add(conversation.started_by_id)
    others = list(
        User.objects.filter(
            pk__in=GroupMembership.objects.filter(
                group_id=conversation.group_id, status=GroupMembershipStatus.ACTIVE
            )
            .exclude(role=GroupRole.ORGANISER)
            .values("user_id"),
            is_active=True,
        )
        .exclude(pk__in=inside)
        .order_by("display_name", "pk")
    )
    return granted, others


def group_conversations(viewer: Viewer, group: Group, *, limit: int = 10) -> list[Conversation]:
    """The group's conversations `viewer` may see (safeguarded ones only to its members), for
    the group's page (`{% group_conversations %}`)."""
    qs = visible_conversations(viewer, Conversation.objects.filter(group=group))
    qs = qs.filter(hidden_at__isnull=True)
    return list(qs.order_by("-created_at", "-pk")[:limit])
