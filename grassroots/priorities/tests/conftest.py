from __future__ import annotations

import pytest

from grassroots.priorities.tests.factories import Place, build_place


@pytest.fixture
def place(db: None) -> Place:
    return build_place()
