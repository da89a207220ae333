from __future__ import annotations

from typing import Any

import pytest

from grassroots.moderation.tests.factories import build_moderation_town
from grassroots.testing.snapshots import shared_world

# Built once per test module; each test gets its own copy (see grassroots/testing/snapshots.py).
town_snapshot, town = shared_world(build_moderation_town, name="town")


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings: Any) -> None:
    # Tests of other behaviour post many times a minute; test_rate_limits.py sets its own.
    settings.GRASSROOTS_RATE_LIMITS = {"report": ["1000/m"], "post": ["1000/m"]}
