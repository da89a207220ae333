"""A tour of how we test (read this first).

- Tests hit the real database (SQLite or PostgreSQL, whichever DATABASE_URL names) through
  pytest-django's `db` fixture, and render real pages through Django's test `client`.
- State is set up with factories (grassroots/*/tests/factories.py) or, for anything with rules,
  through the same service functions the views call.
- Pages assert a bounded query count with `django_assert_max_num_queries`.
- Browser journeys take the `browser` fixture (Chromium through Playwright) and `live_server`,
  and check each page with axe-core (see grassroots/core/tests/browser.py).
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_home_page_asks_for_a_postcode(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b'name="postcode"' in response.content
