from __future__ import annotations

from typing import Any

import pytest

from grassroots.moderation.tests.factories import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()
