"""Writes for conversations: the single entry point for starting, replying, agreeing and hosting.

Each function checks the permission (rules.py), changes state inside one transaction, writes
the audit log and sends notifications through `core.notices.notify`, always with
`conversation=` so that a safeguarded conversation never reaches anyone outside it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import OfficerPost, User
from grassroots.accounts.rules import is_councillor, is_officer
from grassroots.accounts.selectors import notice_name
from grassroots.accounts.types import Actor
from grassroots.conversations import holds
from grassroots.conversations.models import (
    MAX_DEPTH,
    PATH_DIGITS,
    Audience,
    Conversation,
    ConversationAccess,
    Post,
    Reaction,
)
from grassroots.conversations.rules import host_ward_ids
from grassroots.conversations.selectors import post_url
from grassroots.core.audit import audit_record
from grassroots.core.notices import Kind, followers, notify
from grassroots.core.services import ServiceError, require
from grassroots.core.text import clean_text
from grassroots.groups.models import Group
from grassroots.groups.selectors import is_member
from grassroots.initiatives.models import Initiative
from grassroots.places.models import CouncillorTerm, Ward

MAX_BODY = 5000
MAX_QUESTION = 200
MAX_SUMMARY = 5000


def _clean_body(body: str) -> str:
    return clean_text(
        body,
        max_length=MAX_BODY,
        empty=_("Enter your reply"),
        too_long=_("Your reply must be 5,000 characters or fewer"),
    )


# --- Starting and closing ----------------------------------------------------------------------


def conversation_start(
    *,
    actor: Actor,
    initiative: Initiative | None = None,
    ward: Ward | None = None,
    group: Group | None = None,
    question: str,
    description: str = "",
    audience: str = Audience.EVERYONE,
    is_safeguarded: bool = False,
) -> Conversation:
    """Start a conversation hosted by exactly one of an initiative, a ward or a group."""
    hosts = [h for h in (initiative, ward, group) if h is not None]
    if len(hosts) != 1:
        raise ValueError("A conversation has exactly one host.")
    host = hosts[0]
    require(actor, "conversations.start", host)
    question = clean_text(
        question,
        max_length=MAX_QUESTION,
        empty=_("Enter the question"),
        too_long=_("The question must be 200 characters or fewer"),
    )
    description = (description or "").strip()
    if description:
        description = clean_text(
            description,
            max_length=MAX_BODY,
            empty="",
            too_long=_("The description must be 5,000 characters or fewer"),
        )
    if audience not in Audience.values:
        raise ServiceError(_("Choose who can take part"))
    if ward is not None:
        if audience == Audience.MEMBERS:
            raise ServiceError(_("A ward has no members: choose everyone or its residents"))
        is_safeguarded = False  # a ward is everybody's (a database constraint agrees)
    if initiative is not None and initiative.is_safeguarded:
        is_safeguarded = True  # a safeguarded initiative's conversations are always private
    with transaction.atomic():
        conversation = Conversation.objects.create(
            initiative=initiative,
            ward=ward,
            group=group,
            question=question,
            description=description,
            audience=audience,
            is_safeguarded=is_safeguarded,
            started_by=actor,
        )
        audit_record(
            actor=actor,
            action="conversations.start",
            obj=conversation,
            summary=f"Started a conversation: {question}",
            data={"audience": audience, "safeguarded": is_safeguarded},
        )
        # As for events: the host's followers and, for an initiative or a group, the followers
        # of its wards (what happens in a ward is news to those who follow it).
        with_wards = initiative if initiative is not None else group
        host_wards = with_wards.wards.values_list("pk", flat=True) if with_wards else ()
        notify(
            recipients=followers(initiative=initiative, ward=ward, group=group, wards=host_wards),
            kind=Kind.FOLLOWING,
            text=_("New conversation in %(host)s: %(question)s")
            % {"host": conversation.host_name, "question": question},
            url=conversation.get_absolute_url(),
            conversation=conversation,
            ward=ward,  # the place, so digests group it with the host's other news
            group=group,
            exclude=actor,
            actor=actor,
        )
    return conversation


def conversation_close(*, actor: Actor, conversation: Conversation) -> Conversation:
    """Close the conversation to new replies (what was said stays readable)."""
    require(actor, "conversations.close", conversation)
    with transaction.atomic():
        changed = Conversation.objects.filter(pk=conversation.pk, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        if not changed:
            raise ServiceError(_("This conversation is already closed"))
        conversation.refresh_from_db(fields=["closed_at"])
        audit_record(
            actor=actor,
            action="conversations.close",
            obj=conversation,
            summary="Closed the conversation to new replies",
        )
    return conversation


# --- Access to a safeguarded group conversation ----------------------------------------------


def conversation_access_grant(*, actor: Actor, conversation: Conversation, user: Actor) -> None:
    """An organiser lets an active member of the group into a safeguarded conversation."""
    require(actor, "conversations.manage_access", conversation)
    group = conversation.group
    assert group is not None  # the rule allows only safeguarded group conversations
    if not is_member(user, group):
        raise ServiceError(_("Only members of the group can be given access"))
    with transaction.atomic():
        _access, created = ConversationAccess.objects.get_or_create(
            conversation=conversation, user=user, defaults={"granted_by": actor}
        )
        if not created:
            raise ServiceError(_("%(name)s already has access") % {"name": user.public_name})
        audit_record(
            actor=actor,
            action="conversations.access_granted",
            obj=conversation,
            summary=f"Gave user {user.pk} access to a safeguarded conversation",
            data={"user": user.pk},
        )
        notify(
            recipients=[user],
            kind=Kind.CONVERSATION,
            text=_("You have been given access to a private conversation in %(group)s")
            % {"group": group.name},
            url=conversation.get_absolute_url(),
            conversation=conversation,
            group=group,
            exclude=actor,
        )


def conversation_access_revoke(*, actor: Actor, conversation: Conversation, user: Actor) -> None:
    """An organiser takes a member's access to a safeguarded conversation away."""
    require(actor, "conversations.manage_access", conversation)
    with transaction.atomic():
        deleted, _rows = ConversationAccess.objects.filter(
            conversation=conversation, user=user
        ).delete()
        if not deleted:
            raise ServiceError(_("That person does not have access"))
        audit_record(
            actor=actor,
            action="conversations.access_revoked",
            obj=conversation,
            summary=f"Took away user {user.pk}'s access to a safeguarded conversation",
            data={"user": user.pk},
        )


# --- Replies -----------------------------------------------------------------------------------


def speaker_label(user: Actor, conversation: Conversation) -> str:
    """The label a councillor or officer speaks under, worked out as they post.

    A councillor is named for the host's ward they represent if there is one, else their first
    ward; an officer for their department. Both need two-factor sign-in, as for every role power.
    """
    if is_councillor(user):
        terms = list(
            CouncillorTerm.objects.current(timezone.localdate())
            .filter(councillor__user=user)
            .select_related("ward")
            .order_by("ward__name")
        )
        if terms:
            wards = host_ward_ids(conversation)
            term = next((t for t in terms if t.ward_id in wards), terms[0])
            return _("Councillor for %(ward)s ward") % {"ward": term.ward.name}
    if is_officer(user):
        post = (
            OfficerPost.objects.current(timezone.localdate())
            .filter(user=user)
            .select_related("department")
            .order_by("department__name")
            .first()
        )
        if post is not None:
            name = post.department.name
            if name.lower().endswith("department"):
                return _("Officer, %(department)s") % {"department": name}
            return _("Officer, %(department)s department") % {"department": name}
    return ""


def _replyable(post: Post, conversation: Conversation, actor: Actor, what: str) -> None:
    """A post one may answer or quote: in this conversation, live, and seen by everybody."""
    names = {"what": what}
    if post.conversation_id != conversation.pk:
        problem = _("The reply you are %(what)s is not in this conversation")
    elif post.removed_by_author_at is not None:
        problem = _("The reply you are %(what)s was removed by its author")
    elif post.hidden_at is not None:
        problem = _("The reply you are %(what)s has been hidden under the site's rules")
    elif post.held_for_review and post.author_id != getattr(actor, "pk", None):
        problem = _("The reply you are %(what)s is waiting for a moderator")
    else:
        return
    raise ServiceError(problem % names)


def post_create(
    *,
    actor: Actor,
    conversation: Conversation,
    body: str,
    parent: Post | None = None,
    quoted: Post | None = None,
) -> Post:
    """Reply in `conversation` (to `parent` if given), optionally quoting another reply.

    A reply to a reply at the deepest level (MAX_DEPTH) joins that level, beside the reply it
    answers, and quotes it so the context stays clear.

    Whether the reply waits for a moderator is asked here, of `holds.should_hold` (moderation
    answers). A held reply is out of sight (only its author and moderators see it) and sends
    no notifications; whoever lets it through calls `post_released`.
    """
    require(actor, "conversations.reply", conversation)
    body = _clean_body(body)
    answered = parent
    if parent is not None:
        _replyable(parent, conversation, actor, _("answering"))
    if quoted is not None:
        _replyable(quoted, conversation, actor, _("quoting"))
    if parent is not None and parent.depth >= MAX_DEPTH - 1:
        # The deepest level: join it beside the reply being answered.
        parent = parent.parent
        if quoted is None:
            quoted = answered
    held_for_review = holds.should_hold(actor, conversation, body)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.closed_at is not None:
            raise ServiceError(_("This conversation is closed to new replies."))
        post = Post.objects.create(
            conversation=conversation,
            parent=parent,
            depth=0 if parent is None else parent.depth + 1,
            author=actor,
            speaker_label=speaker_label(actor, conversation),
            body=body,
            quoted=quoted,
            held_for_review=held_for_review,
        )
        segment = f"{post.pk:0{PATH_DIGITS}d}"
        post.path = segment if parent is None else f"{parent.path}.{segment}"
        post.save(update_fields=["path"])
        audit_record(
            actor=actor,
            action="conversations.post_create",
            obj=post,
            summary=f"Replied in conversation {conversation.pk}",
            data={"held": held_for_review, "parent": getattr(answered, "pk", None)},
        )
        if not held_for_review:
            _count_and_notify(post, answered=answered)
    return post


def _count_and_notify(post: Post, *, answered: Post | None) -> None:
    conversation = post.conversation
    Conversation.objects.filter(pk=conversation.pk).update(
        reply_count=F("reply_count") + 1, last_reply_at=post.created_at
    )
    participants = User.objects.filter(conversation_posts__conversation=conversation).distinct()
    recipients: list[User] = [*participants, *followers(conversation=conversation)]
    if conversation.started_by is not None:
        recipients.append(conversation.started_by)
    if answered is not None and answered.author is not None:
        recipients.append(answered.author)
    author = post.author
    name = notice_name(author) if author is not None else _("Someone")
    notify(
        recipients=recipients,
        kind=Kind.CONVERSATION,
        text=_("%(name)s replied in “%(question)s”")
        % {"name": name, "question": conversation.question},
        url=post_url(post),
        conversation=conversation,
        exclude=author,
    )


def post_released(*, actor: Actor, post: Post) -> Post:
    """Let a held reply through: it becomes visible, counts, and notifies as a new one would.

    For moderators (the moderation app's queue calls it); never for safeguarded content.
    """
    require(actor, "conversations.release_post", post)
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, held_for_review=True).update(
            held_for_review=False
        )
        if not changed:
            return post
        post.held_for_review = False
        audit_record(
            actor=actor,
            action="conversations.post_release",
            obj=post,
            summary="Let a held reply through",
        )
        _count_and_notify(post, answered=post.parent)
    return post


def post_edit(*, actor: Actor, post: Post, body: str) -> Post:
    """Change one's own reply within the edit window; it then shows an "edited" mark."""
    if not actor.has_perm("conversations.edit_post", post):
        own = post.author_id == getattr(actor, "pk", None)
        live = post.removed_by_author_at is None and post.hidden_at is None
        if own and live and post.conversation.closed_at is None:
            raise ServiceError(
                _("Replies can only be changed in the first few minutes after posting")
            )
        raise PermissionDenied("conversations.edit_post")
    body = _clean_body(body)
    if body == post.body:
        return post
    with transaction.atomic():
        post.body = body
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "edited_at"])
        audit_record(
            actor=actor, action="conversations.post_edit", obj=post, summary="Changed a reply"
        )
    return post


def post_remove(*, actor: Actor, post: Post) -> Post:
    """Remove one's own reply: its words go, a "removed by its author" mark and its answers stay."""
    require(actor, "conversations.remove_post", post)
    with transaction.atomic():
        post.removed_by_author_at = timezone.now()
        post.body = ""
        post.save(update_fields=["removed_by_author_at", "body"])
        Reaction.objects.filter(post=post).delete()
        audit_record(
            actor=actor, action="conversations.post_remove", obj=post, summary="Removed a reply"
        )
    return post


def reaction_toggle(*, actor: Actor, post: Post) -> bool:
    """Agree with a reply, or take the agreement back; returns whether `actor` now agrees."""
    require(actor, "conversations.agree", post)
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(post=post, user=actor).delete()
        if deleted:
            return False
        # get_or_create: two quick clicks at once cannot break the one-per-person rule.
        Reaction.objects.get_or_create(post=post, user=actor)
    return True


# --- Hosting -----------------------------------------------------------------------------------


def summary_pin(*, actor: Actor, conversation: Conversation, summary: str) -> Conversation:
    """Pin (or replace, or with empty text take down) the host's summary of the conversation."""
    require(actor, "conversations.pin_summary", conversation)
    summary = (summary or "").strip()
    if summary:
        summary = clean_text(
            summary,
            max_length=MAX_SUMMARY,
            empty="",
            too_long=_("The summary must be 5,000 characters or fewer"),
        )
    with transaction.atomic():
        conversation.summary = summary
        conversation.summary_updated_at = timezone.now() if summary else None
        conversation.save(update_fields=["summary", "summary_updated_at"])
        audit_record(
            actor=actor,
            action="conversations.summary_pin",
            obj=conversation,
            summary="Pinned a summary" if summary else "Took the summary down",
        )
    return conversation
