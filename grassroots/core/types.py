"""Shapes shared by every app."""

from __future__ import annotations

from typing import Protocol


class HasURL(Protocol):
    """Anything with a page of its own (an initiative, a group, a conversation, an event…)."""

    pk: int

    def get_absolute_url(self) -> str: ...
