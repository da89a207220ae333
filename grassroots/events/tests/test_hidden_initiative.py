"""An event put on by an initiative a moderator has hidden disappears with it: only the
initiative's leads and the moderators still see it (as `initiatives.visibility` says), on its
page and its .ics file, in lists, calendar feeds and Atom feeds; restored, it comes back."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.events.models import Event
from grassroots.events.rules import sees_event
from grassroots.events.visibility import visible_events
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.testing.snapshots import shared_world
from grassroots.testing.worlds import Town, build_town, make_event, pick_town

pytestmark = pytest.mark.django_db

CAST = pick_town("anonymous", "resident", "member", "lead", "moderator")
SEES_HIDDEN = {"lead", "moderator"}
TITLE = "Compost workshop"


def build_hidden_town() -> Town:
    """The town, with one event of its initiative "Riverside garden" at the Riverside library."""
    town = build_town(roles=CAST)
    town.events["initiative"] = make_event(town.initiative, venue=town.venue, title=TITLE)
    return town


# Built once per module; each test gets its own copy (see grassroots/testing/snapshots.py).
town_snapshot, town = shared_world(build_hidden_town, name="town")


def hide(town: Town) -> None:
    Initiative.objects.filter(pk=town.initiative.pk).update(
        hidden_at=timezone.now(),
        hidden_reason="Under review",
        hidden_by=town.person("moderator"),
    )


def restore(town: Town) -> None:
    Initiative.objects.filter(pk=town.initiative.pk).update(
        hidden_at=None, hidden_reason="", hidden_by=None
    )


def what_they_see(town: Town, role: str) -> dict[str, Any]:
    client = town.client(role)
    page = client.get(town.events["initiative"].get_absolute_url())
    ics = client.get(reverse("events:ics", args=[town.events["initiative"].pk]))
    listed = client.get(reverse("events:list"))
    in_ward = client.get(reverse("events:list") + f"?ward={town.ward.pk}")
    for response in (page, ics, listed, in_ward):
        assert response.status_code < 500
    return {
        "page": page.status_code,
        "ics": ics.status_code,
        "listed": TITLE in listed.content.decode(),
        "in ward list": TITLE in in_ward.content.decode(),
    }


VISIBLE = {"page": 200, "ics": 200, "listed": True, "in ward list": True}
GONE = {"page": 404, "ics": 404, "listed": False, "in ward list": False}


@pytest.mark.parametrize("role", CAST)
def test_the_page_ics_and_lists_follow_the_initiative(town: Town, role: str) -> None:
    assert what_they_see(town, role) == VISIBLE
    hide(town)
    seen = role in SEES_HIDDEN
    assert what_they_see(town, role) == (VISIBLE if seen else GONE)
    event = Event.objects.select_related("initiative").get(pk=town.events["initiative"].pk)
    user = town.user(role)
    assert sees_event(user, event) is seen
    assert visible_events(user).filter(pk=event.pk).exists() is seen
    restore(town)
    assert what_they_see(town, role) == VISIBLE


def calendar_and_feed(town: Town, role: str) -> tuple[bool, bool]:
    client = town.client(role)
    ics = client.get(reverse("events:ward_calendar", args=[town.ward.pk]))
    atom = client.get(reverse("following:ward_feed", args=[town.ward.council.slug, town.ward.slug]))
    assert ics.status_code == 200
    assert atom.status_code == 200
    return TITLE in ics.content.decode(), TITLE in atom.content.decode()


@pytest.mark.parametrize("role", CAST)
def test_calendar_and_atom_feeds_leave_it_out_whoever_asks(town: Town, role: str) -> None:
    assert calendar_and_feed(town, role) == (True, True)
    hide(town)
    assert calendar_and_feed(town, role) == (False, False)
    feed = reverse("following:initiative_feed", args=[town.initiative.slug])
    assert town.client(role).get(feed).status_code == 404
    restore(town)
    assert calendar_and_feed(town, role) == (True, True)


def test_a_hidden_event_of_a_visible_initiative_stays_out_of_everything(town: Town) -> None:
    Event.objects.filter(pk=town.events["initiative"].pk).update(hidden_at=timezone.now())
    for role in CAST:
        seen = what_they_see(town, role)
        assert not seen["listed"]
        assert not seen["in ward list"]
        assert calendar_and_feed(town, role) == (False, False)
        # Its page is kept for its hosts and the moderators.
        assert seen["page"] == (200 if role in SEES_HIDDEN else 404)


def test_the_banner_of_a_hidden_event_says_who_can_still_see_it(town: Town) -> None:
    Event.objects.filter(pk=town.events["initiative"].pk).update(hidden_at=timezone.now())
    url = town.events["initiative"].get_absolute_url()
    body = town.client("lead").get(url).content.decode()
    assert "Only its hosts and moderators can see it." in body
    # A safeguarded initiative's event: moderators cannot see it, so the banner does not say so.
    Initiative.objects.filter(pk=town.initiative.pk).update(visibility=Visibility.SAFEGUARDED)
    body = town.client("lead").get(url).content.decode()
    assert "Only its hosts can see it." in body
    assert "moderators can see it" not in body
