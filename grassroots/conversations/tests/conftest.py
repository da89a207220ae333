"""The town for conversation tests (grassroots/testing/worlds.py), with every role they need.

Each host (the ward, the initiative, the group) has a conversation; "author" and "other author"
have replied in each. "host" leads the initiative, organises the group and started the three
conversations (`one_host=True`).
"""

from __future__ import annotations

from typing import Any

from grassroots.accounts.types import Viewer
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import HOST_KINDS, Town, build_town, pick_town

# The people the conversation tests ask about, by their names in the town's cast.
CAST = pick_town(
    "anonymous",
    "outsider",  # a resident of another ward
    "resident",  # a resident of the host's ward
    "member",  # of the initiative and the group (no ward given)
    "host",
    "author",
    "other author",
    "ward councillor",
    "other councillor",
    "officer",
    "moderator",
    "site admin",
)
HOSTS = list(HOST_KINDS)


def build_world() -> Town:
    return build_town(roles=CAST, one_host=True, conversations=True)


# Built once per test module; each test gets its own copy (see grassroots/testing/snapshots.py).
world_snapshot, world = shared_world(build_world, name="world")


def login(client: Any, user: Viewer) -> None:
    if user.is_authenticated:
        client.force_login(user)


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]
