"""Who may follow what: a table of people by things, each cell asserted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from grassroots.accounts.tests.factories import UserFactory
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

TARGETS = [
    "ward",
    "initiative",
    "safeguarded",
    "group",
    "conversation",
    "group_conversation",
    "private_conversation",
]
# Who may follow each target; everybody else may not.
EXPECTED = {
    "anonymous": set(),
    "inactive": set(),
    "resident": {"ward", "initiative", "group", "conversation", "group_conversation"},
    "initiative_member": {
        "ward",
        "initiative",
        "safeguarded",
        "group",
        "conversation",
        "group_conversation",
    },
    "group_member": {
        "ward",
        "initiative",
        "group",
        "conversation",
        "group_conversation",
        "private_conversation",
    },
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix(world: Town, who: str) -> None:
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "inactive":
        user = UserFactory(is_active=False)
    else:
        user = world.target(who)
    allowed = {name for name in TARGETS if user.has_perm("following.follow", world.target(name))}
    assert allowed == EXPECTED[who]


def test_nothing_else_can_be_followed(world: Town) -> None:
    assert not world.person("resident").has_perm("following.follow", world.person("resident"))
    assert not world.person("resident").has_perm("following.follow", None)
