"""An event put on by an initiative a moderator has hidden disappears with it: only the
initiative's leads and the moderators still see it (as `initiatives.visibility` says), on its
page and its .ics file, in lists, calendar feeds and Atom feeds; restored, it comes back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.events.models import Event
from grassroots.events.rules import sees_event
from grassroots.events.tests.factories import EventFactory, VenueFactory
from grassroots.events.visibility import visible_events
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.places.models import Ward
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "member", "lead", "moderator"]
SEES_HIDDEN = {"lead", "moderator"}
TITLE = "Compost workshop"


@dataclass
class Scene:
    ward: Ward
    initiative: Initiative
    event: Event
    users: dict[str, Any]

    def user(self, role: str) -> Any:
        return self.users[role]

    def hide(self) -> None:
        Initiative.objects.filter(pk=self.initiative.pk).update(
            hidden_at=timezone.now(),
            hidden_reason="Under review",
            hidden_by=self.users["moderator"],
        )

    def restore(self) -> None:
        Initiative.objects.filter(pk=self.initiative.pk).update(
            hidden_at=None, hidden_reason="", hidden_by=None
        )


@pytest.fixture
def scene(db: Any) -> Scene:
    ward = WardFactory(name="Riverside")
    initiative = InitiativeFactory(
        title="Riverside compost", slug="riverside-compost", wards=[ward]
    )
    venue = VenueFactory(council=ward.council, ward=ward, name="Riverside library")
    event = EventFactory(group=None, initiative=initiative, venue=venue, title=TITLE)
    users = {
        "anonymous": AnonymousUser(),
        "resident": UserFactory(ward=ward),
        "member": MembershipFactory(initiative=initiative).user,
        "lead": initiative.created_by,
        "moderator": UserFactory(is_moderator=True),
    }
    return Scene(ward, initiative, event, users)


def viewer(scene: Scene, role: str) -> Client:
    client = Client()
    user = scene.user(role)
    if user.is_authenticated:
        client.force_login(user)
    return client


def what_they_see(scene: Scene, role: str) -> dict[str, Any]:
    client = viewer(scene, role)
    page = client.get(scene.event.get_absolute_url())
    ics = client.get(reverse("events:ics", args=[scene.event.pk]))
    listed = client.get(reverse("events:list"))
    in_ward = client.get(reverse("events:list") + f"?ward={scene.ward.pk}")
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


@pytest.mark.parametrize("role", ROLES)
def test_the_page_ics_and_lists_follow_the_initiative(scene: Scene, role: str) -> None:
    assert what_they_see(scene, role) == VISIBLE
    scene.hide()
    seen = role in SEES_HIDDEN
    assert what_they_see(scene, role) == (VISIBLE if seen else GONE)
    event = Event.objects.select_related("initiative").get(pk=scene.event.pk)
    user = scene.user(role)
    assert sees_event(user, event) is seen
    assert visible_events(user).filter(pk=event.pk).exists() is seen
    scene.restore()
    assert what_they_see(scene, role) == VISIBLE


def calendar_and_feed(scene: Scene, role: str) -> tuple[bool, bool]:
    client = viewer(scene, role)
    ics = client.get(reverse("events:ward_calendar", args=[scene.ward.pk]))
    atom = client.get(
        reverse("following:ward_feed", args=[scene.ward.council.slug, scene.ward.slug])
    )
    assert ics.status_code == 200
    assert atom.status_code == 200
    return TITLE in ics.content.decode(), TITLE in atom.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_calendar_and_atom_feeds_leave_it_out_whoever_asks(scene: Scene, role: str) -> None:
    assert calendar_and_feed(scene, role) == (True, True)
    scene.hide()
    assert calendar_and_feed(scene, role) == (False, False)
    feed = reverse("following:initiative_feed", args=[scene.initiative.slug])
    assert viewer(scene, role).get(feed).status_code == 404
    scene.restore()
    assert calendar_and_feed(scene, role) == (True, True)


def test_a_hidden_event_of_a_visible_initiative_stays_out_of_everything(scene: Scene) -> None:
    Event.objects.filter(pk=scene.event.pk).update(hidden_at=timezone.now())
    for role in ROLES:
        seen = what_they_see(scene, role)
        assert not seen["listed"]
        assert not seen["in ward list"]
        assert calendar_and_feed(scene, role) == (False, False)
        # Its page is kept for its hosts and the moderators.
        assert seen["page"] == (200 if role in SEES_HIDDEN else 404)


def test_the_banner_of_a_hidden_event_says_who_can_still_see_it(scene: Scene) -> None:
    Event.objects.filter(pk=scene.event.pk).update(hidden_at=timezone.now())
    url = scene.event.get_absolute_url()
    body = viewer(scene, "lead").get(url).content.decode()
    assert "Only its hosts and moderators can see it." in body
    # A safeguarded initiative's event: moderators cannot see it, so the banner does not say so.
    Initiative.objects.filter(pk=scene.initiative.pk).update(visibility=Visibility.SAFEGUARDED)
    body = viewer(scene, "lead").get(url).content.decode()
    assert "Only its hosts can see it." in body
    assert "moderators can see it" not in body
