"""Moderation policy that other apps ask about: should a new reply wait for a moderator?

Conversations asks through its hook (`conversations.holds`); `hold_reply` is registered there
in `ModerationConfig.ready()`.
"""

from __future__ import annotations

from grassroots.accounts.models import User
from grassroots.accounts.selectors import user_roles
from grassroots.accounts.types import Actor, Viewer
from grassroots.conversations.models import Conversation, Post
from grassroots.moderation.models import ModerationSettings


def should_hold(user: Viewer, conversation: Conversation | None = None) -> bool:
    """True when `user`'s next reply must wait for a moderator (ModerationSettings).

    A new account's first N replies are held (N = `hold_first_posts`, 0 = never). People with
    a role (moderators, councillors, officers, site admins) are trusted. Replies in a
    safeguarded conversation are never held: moderators may not see safeguarded content, so a
    held reply there could never be approved; its host community vets its own members.
    """
    if not isinstance(user, User):  # nobody signed in
        return False
    limit = ModerationSettings.load().hold_first_posts
    if limit <= 0:
        return False
    roles = user_roles(user)
    if roles.moderator or roles.councillor or roles.officer or roles.site_admin:
        return False
    if conversation is not None and (
        conversation.is_safeguarded
        or (conversation.initiative is not None and conversation.initiative.is_safeguarded)
    ):
        return False
    # Count every reply they have written (held ones included), whatever happened to it since.
    written = Post.objects.filter(author=user).count()
    return written < limit


def hold_reply(actor: Actor, conversation: Conversation, text: str) -> bool:
    """The check conversations asks before a reply is saved (the text does not count yet)."""
    return should_hold(actor, conversation)
