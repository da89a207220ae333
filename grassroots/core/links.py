"""Stored addresses that follow a page when its address changes.

Notifications and safeguarding concerns keep the address of what they are about. When a page
moves (an initiative renamed to a new slug), the app that moved it calls `moved()`, and each app
that stores addresses registers, in its `AppConfig.ready()`, how to repoint its own rows.
"""

from __future__ import annotations

from collections.abc import Callable

# Given the old and the new address prefix, rewrite the stored addresses under the old one.
Repointer = Callable[[str, str], None]

_repointers: dict[str, Repointer] = {}


def register(name: str, repoint: Repointer) -> None:
    """Called by an app that stores addresses (`name` keeps a second call from adding twice)."""
    _repointers[name] = repoint


def moved(*, old: str, new: str) -> None:
    """Everything stored under the address prefix `old` now points under `new`."""
    for repoint in _repointers.values():
        repoint(old, new)
