"""Whether a new reply waits for a moderator: a question conversations asks, others answer.

Conversations sits below moderation in the layer order, so it cannot ask moderation directly.
Instead `post_create` calls `should_hold()`, and an app that has a say (moderation, in its
`AppConfig.ready()`) registers a check with `register()`. A reply is held if any check says so;
with no check registered, nothing is held.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from grassroots.accounts.types import Actor
from grassroots.conversations.models import Conversation

HoldCheck: TypeAlias = Callable[[Actor, Conversation, str], bool]

_checks: list[HoldCheck] = []


def register(check: HoldCheck) -> None:
    """Ask `check(actor, conversation, text)` about every new reply (once, however often called)."""
    if check not in _checks:
        _checks.append(check)


def unregister(check: HoldCheck) -> None:
    """Stop asking `check` (for tests that swap in their own)."""
    if check in _checks:
        _checks.remove(check)


def should_hold(actor: Actor, conversation: Conversation, text: str) -> bool:
    """True when `actor`'s reply `text` in `conversation` must wait for a moderator."""
    return any(check(actor, conversation, text) for check in _checks)
