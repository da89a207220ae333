from __future__ import annotations

from typing import Any

import pytest

from grassroots.moderation.tests.factories import build_moderation_town
from grassroots.testing.worlds import Town


@pytest.fixture
def town(db: None) -> Town:
    return build_moderation_town()


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings: Any) -> None:
    # Tests of other behaviour post many times a minute; test_rate_limits.py sets its own.
    settings.GRASSROOTS_RATE_LIMITS = {"report": ["1000/m"], "post": ["1000/m"]}
