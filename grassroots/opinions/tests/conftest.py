from __future__ import annotations

import pytest
from django.core.cache import cache

from grassroots.opinions.tests.factories import Place, build_place


@pytest.fixture
def place(db: None) -> Place:
    cache.clear()
    return build_place()
