"""Who is asking: the types every layer above accounts uses for people.

`Viewer` is whoever opened a page (signed in or not); `Actor` is a signed-in person doing
something. Nothing takes `Any` for a person.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from grassroots.accounts.models import User

Viewer: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in person behind `request` (for views behind `login_required`)."""
    user = request.user
    if not isinstance(user, User):  # login_required comes first, so only a slip gets here
        raise PermissionDenied("signed in")
    return user


class _Context(Protocol):
    """A template context (or a plain dictionary standing in for one)."""

    def get(self, key: str, default: Any = None, /) -> Any: ...


def viewer_in(context: _Context) -> Viewer:
    """Who a template is drawn for: the request's user, else the context's `user` (an email
    has no request), else nobody signed in. For template tags."""
    found = getattr(context.get("request"), "user", None) or context.get("user")
    return found if isinstance(found, User | AnonymousUser) else AnonymousUser()
