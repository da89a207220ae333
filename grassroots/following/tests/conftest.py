"""The town for following tests: one of each followable thing, public and safeguarded.

Besides the town's initiative, safeguarded initiative, group and ward: a ward conversation
("conversation"), a group conversation ("group_conversation") and a safeguarded group
conversation ("private_conversation") into which "group_member" is let. "initiative_member" is
a member of the safeguarded initiative.
"""

from __future__ import annotations

from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import Town, add_private_conversation, build_town


def build_world() -> Town:
    town = build_town(
        roles=("resident", "safeguarded member", "group member"),
        aliases={"initiative_member": "safeguarded member", "group_member": "group member"},
    )
    # Joining the group is not enough for a safeguarded conversation: the member is let in.
    add_private_conversation(town, let_in=["group member"], key="private_conversation")
    town.conversations["conversation"] = ConversationFactory(
        ward=town.ward, question="Where should the bench go?"
    )
    town.conversations["group_conversation"] = ConversationFactory(
        ward=None, group=town.group, question="What shall we plant?"
    )
    return town


# Built once per test module; each test gets its own copy (see grassroots/testing/snapshots.py).
world_snapshot, world = shared_world(build_world, name="world")
