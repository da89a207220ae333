"""Who is asking: the types every layer above accounts uses for people.

`Viewer` is whoever opened a page (signed in or not); `Actor` is a signed-in person doing
something. Nothing takes `Any` for a person.
"""

from __future__ import annotations

from typing import TypeAlias

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
