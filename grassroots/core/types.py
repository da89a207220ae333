"""Shapes shared by every app."""

from __future__ import annotations

from typing import Protocol


class HasURL(Protocol):
    """Anything with a page of its own (an initiative, a group, a conversation, an event…)."""

    pk: int

    def get_absolute_url(self) -> str: ...


class Someone(Protocol):
    """Whoever is asking, as the core layer sees them (accounts' `Viewer` fits): core sits
    below accounts, so it cannot name `User` or `AnonymousUser`."""

    @property
    def pk(self) -> int | None: ...

    @property
    def is_authenticated(self) -> bool: ...


class Member(Protocol):
    """A signed-in person with an email address, as the core layer sees one (accounts'
    `Actor` fits)."""

    @property
    def pk(self) -> int: ...

    @property
    def email(self) -> str: ...
