"""Who is asking: the types every layer above accounts uses for people.

`Viewer` is whoever opened a page (signed in or not); `Actor` is a signed-in person doing
something. Nothing takes `Any` for a person.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.models import User

Viewer: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User
