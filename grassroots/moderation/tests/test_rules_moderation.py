"""Who may do what in moderation: every role against every permission, cell by cell."""

from __future__ import annotations

import pytest

from grassroots.moderation.tests.factories import MODERATION_CAST, report_as
from grassroots.testing.worlds import Town

# role -> (report, view queue, decide, view concerns list, view/handle this concern, export)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False),
    "resident": (True, False, False, False, False, False),
    "lead": (True, False, False, False, False, False),
    "moderator": (True, True, True, False, False, False),
    # Councillors and officers take part in conversations; they are never moderators.
    "ward councillor": (True, False, False, False, False, False),
    "officer": (True, False, False, False, False, False),
    "safeguarding contact": (True, False, False, True, True, False),
    "other council's contact": (True, False, False, True, False, False),
    "site admin": (True, True, True, True, True, True),
    # Role powers need two-factor authentication.
    "site admin without MFA": (True, False, False, False, False, False),
}


def test_the_matrix_names_every_role() -> None:
    assert set(EXPECTED) == set(MODERATION_CAST)


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_permission_matrix(town: Town, role: str) -> None:
    user = town.user(role)
    concern = report_as(town.person("resident"), town.post(), reason="safeguarding")
    actual = (
        user.has_perm("moderation.report", town.post()),
        user.has_perm("moderation.view_queue"),
        user.has_perm("moderation.decide"),
        user.has_perm("moderation.view_concerns"),
        user.has_perm("moderation.view_concern", concern)
        and user.has_perm("moderation.handle_concern", concern),
        user.has_perm("moderation.export_audit"),
    )
    assert actual == EXPECTED[role]
    # Hiding what a concern is about goes with handling the concern.
    assert user.has_perm("moderation.hide_concern_item", concern) == actual[4]
    # So does showing it again.
    assert user.has_perm("moderation.restore_concern_item", concern) == actual[4]
