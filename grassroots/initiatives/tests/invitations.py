"""The town as the invitation tests see it: its initiative with two invitations waiting.

The people are the town's (`grassroots.testing.worlds.TOWN_CAST`): "invitee" was invited with
a message and "other invitee" without one, both by the lead, through the services.
"""

from __future__ import annotations

from grassroots.initiatives.models import Visibility
from grassroots.testing.worlds import Town, build_town, pick_town

# Everybody whose part in an invitation the tests check, by their names in the town.
INVITATION_ROLES = tuple(
    pick_town(
        "anonymous",
        "resident",
        "lead of another initiative",
        "member",
        "lead",
        "invitee",
        "other invitee",
        "other councillor",  # of another ward of the same council
        "ward councillor",
        "officer",
        "moderator",
        "site admin",
    )
)
# Who is inside a safeguarded initiative: its members, and invitees while they decide.
INSIDERS = {"member", "lead", "invitee", "other invitee"}


def invitation_town(visibility: str = Visibility.PUBLIC) -> Town:
    """The town with everybody in INVITATION_ROLES, its initiative of `visibility`."""
    return build_town(roles=INVITATION_ROLES, visibility=visibility)
