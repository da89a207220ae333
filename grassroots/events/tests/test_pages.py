"""The event and venue pages render for every role, and outsiders of a safeguarded initiative
get the same 404 as for a missing event."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.events.tests.conftest import CAST
from grassroots.initiatives.models import Visibility
from grassroots.testing.worlds import EVENT_HOSTS, Town

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", CAST)
def test_every_page_answers_every_role(client: Any, world: Town, role: str) -> None:
    user = world.user(role)
    if user.is_authenticated:
        client.force_login(user)
    urls = [reverse("events:list"), reverse("events:list") + "?when=past&kind=surgery"]
    urls += [reverse("events:venues"), reverse("events:venue", args=[world.venue.pk])]
    for event in world.events.values():
        urls += [event.get_absolute_url(), reverse("events:ics", args=[event.pk])]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_event_page_shows_places_and_your_reply(client: Any, world: Town) -> None:
    event = world.events["group"]
    client.force_login(world.user("going resident"))
    body = client.get(event.get_absolute_url()).content.decode()
    assert "19 places left" in body
    assert "You're going" in body
    assert "Riverside library" in body


def test_html_in_a_title_is_shown_as_text(client: Any, world: Town) -> None:
    event = world.events["group"]
    event.title = "<script>alert(1)</script>"
    event.description = "<b>bold</b>"
    event.save(update_fields=["title", "description"])
    body = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


def test_a_safeguarded_initiatives_event_is_a_404_to_outsiders(client: Any, world: Town) -> None:
    world.initiative.visibility = Visibility.SAFEGUARDED
    world.initiative.save(update_fields=["visibility"])
    event = world.events["initiative"]
    missing = reverse("events:detail", args=[987654])
    for role in CAST:
        client.logout()
        user = world.user(role)
        if user.is_authenticated:
            client.force_login(user)
        page = client.get(event.get_absolute_url())
        listing = client.get(reverse("events:list")).content.decode()
        if role == EVENT_HOSTS["initiative"]:
            assert page.status_code == 200
            assert event.title in listing
        else:
            assert page.status_code == client.get(missing).status_code == 404, role
            assert client.get(reverse("events:ics", args=[event.pk])).status_code == 404
            assert event.title not in listing, role


def test_a_hidden_event_is_a_404_except_to_hosts_and_moderators(client: Any, world: Town) -> None:
    event = world.events["group"]
    event.hidden_at = timezone.now()
    event.save(update_fields=["hidden_at"])
    for role in CAST:
        client.logout()
        user = world.user(role)
        if user.is_authenticated:
            client.force_login(user)
        expected = 200 if role in ("organiser", "moderator", "site admin") else 404
        assert client.get(event.get_absolute_url()).status_code == expected, role
