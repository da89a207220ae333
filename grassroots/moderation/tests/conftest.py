from __future__ import annotations

from typing import Any

import pytest

from grassroots.moderation.tests.factories import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings: Any) -> None:
    # Tests of other behaviour post many times a minute; test_rate_limits.py sets its own.
    settings.GRASSROOTS_RATE_LIMITS = {"report": ["1000/m"], "post": ["1000/m"]}
