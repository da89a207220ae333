"""Support tests live in the shared town (grassroots/testing/worlds.py): its ward, initiative
and departments, with every person who takes part in councillor support around them."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.testing.worlds import Town, build_town, pick_town

# The people support tests act as, by their names in the town (the invited councillor is a
# councillor of another ward whom the lead has invited to support the initiative).
SUPPORT_CAST = pick_town(
    "anonymous",
    "resident",
    "lead",
    "member",
    "lead of another initiative",
    "ward councillor",
    "ward councillor without MFA",
    "other councillor",
    "invited councillor",
    "officer",
    "other officer",
    "site admin",
)


def build_support_town() -> Town:
    return build_town(roles=SUPPORT_CAST)


@pytest.fixture
def town(db: None) -> Town:
    return build_support_town()


def post_as(client: Any, town: Town, role: str, url: str, data: dict[str, Any]) -> Any:
    """POST as `role` (anonymous: not signed in); never a server error."""
    user = town.user(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.post(url, data)
    assert response.status_code < 500
    return response


def error_summary(body: str) -> str:
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]
