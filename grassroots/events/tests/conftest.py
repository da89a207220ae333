"""The town for events tests (grassroots/testing/worlds.py), with its events and every role.

The town's four hosts each put on an event at the Riverside library (20 places) that "going
resident" is going to: the group ("organiser"), the initiative ("lead"), the ward ("ward
councillor") and a surgery ("surgery's councillor", for a third ward). Besides them: a resident,
the organiser of another group, a councillor of another ward, an officer, a moderator and a
site admin. Councillors, officers and site admins have TOTP set up.
"""

from __future__ import annotations

from typing import Any

from grassroots.events.models import Event
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import Town, build_town, pick_town

# The people the events tests ask about, by their names in the town's cast.
CAST = pick_town(
    "anonymous",
    "resident",
    "going resident",
    "organiser of another group",
    "organiser",
    "lead",
    "ward councillor",
    "other councillor",
    "surgery's councillor",
    "officer",
    "moderator",
    "site admin",
)
SIGNED_IN = [role for role in CAST if role != "anonymous"]


def build_world() -> Town:
    return build_town(roles=CAST, events=True)


# Built once per test module; each test gets its own copy (see grassroots/testing/snapshots.py).
world_snapshot, world = shared_world(build_world, name="world")


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


def organiser_of(event: Event) -> Any:
    """The organiser who started the group hosting `event`."""
    assert event.group is not None
    return event.group.created_by
