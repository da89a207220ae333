"""Adding events and venues in a burst is refused with a clear page, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.events.models import Event, Venue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "path", "words"),
    [
        ("event", "/events/new", "Your event has not been added."),
        ("venue", "/events/venues/new", "Your venue has not been added."),
    ],
)
@pytest.mark.usefixtures("held_clock")
def test_a_burst_is_refused_per_person(
    client: Client, settings: Any, action: str, path: str, words: str
) -> None:
    settings.GRASSROOTS_RATE_LIMITS = {action: ["2/m"]}
    client.force_login(UserFactory())
    # Every attempt counts, saved or not, so hammering the form is limited too.
    assert [client.post(path, {}).status_code for _ in range(2)] != [429, 429]
    response = client.post(path, {})
    assert response.status_code == 429
    assert words in response.content.decode()
    assert (Event.objects.count(), Venue.objects.count()) == (0, 0)
    other = Client()
    other.force_login(UserFactory())
    assert other.post(path, {}).status_code != 429
