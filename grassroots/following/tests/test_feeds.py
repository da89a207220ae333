"""Atom feeds of a ward's, an initiative's and a group's public activity: never safeguarded or
hidden content, and a bounded number of queries."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.events.tests.factories import EventFactory
from grassroots.initiatives.models import Stage, StageChange, Update
from grassroots.initiatives.tests.factories import InitiativeFactory
from grassroots.testing.worlds import Town

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response: Any) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")]


def ward_url(world: Town) -> str:
    return f"/following/feeds/ward/{world.ward.council.slug}/{world.ward.slug}.atom"


def activity(world: Town) -> None:
    """Something of every kind, public and safeguarded, around the world's ward."""
    now = timezone.now()
    for initiative in (world.initiative, world.safeguarded):
        Update.objects.create(
            initiative=initiative, author=initiative.created_by, text=f"{initiative.title} news"
        )
        StageChange.objects.create(
            initiative=initiative,
            from_stage=Stage.IDEA,
            to_stage=Stage.PLANNING,
            changed_by=initiative.created_by,
            changed_at=now,
        )
        ConversationFactory(ward=None, initiative=initiative, question=f"{initiative.title} talk")
        EventFactory(group=None, initiative=initiative, title=f"{initiative.title} meeting")
    EventFactory(group=None, ward=world.ward, title="Ward walkabout")
    EventFactory(
        group=None, ward=world.ward, title="Cancelled walkabout", cancelled_at=timezone.now()
    )
    EventFactory(group=None, ward=world.ward, title="Hidden walkabout", hidden_at=timezone.now())
    EventFactory(
        group=None,
        ward=world.ward,
        title="Past walkabout",
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=3, hours=-1),
    )
    ConversationFactory(ward=world.ward, question="Hidden question", hidden_at=now)
    EventFactory(group=world.group, title="Planting day")


def test_a_ward_feed_has_its_public_activity_only(client: Client, world: Town) -> None:
    activity(world)
    titles = entries(client.get(ward_url(world)))
    text = "\n".join(titles)
    assert "New initiative: Riverside garden" in titles
    assert "Progress on Riverside garden" in titles
    assert "Riverside garden is now at the stage: Planning" in titles
    assert "New conversation: Where should the bench go?" in titles
    assert "New conversation: Riverside garden talk" in titles
    assert any(t.startswith("Ward walkabout, ") for t in titles)
    assert any(t.startswith("Riverside garden meeting, ") for t in titles)
    for never in ["Quiet support circle", "Cancelled", "Hidden", "Past walkabout"]:
        assert never not in text


def test_an_initiative_feed(client: Client, world: Town) -> None:
    activity(world)
    titles = entries(client.get(f"/following/feeds/initiative/{world.initiative.slug}.atom"))
    assert "Progress on Riverside garden" in titles
    assert "New conversation: Riverside garden talk" in titles
    assert "Ward walkabout" not in "\n".join(titles)


def test_a_safeguarded_initiative_has_no_feed_even_for_its_members(
    client: Client, world: Town
) -> None:
    client.force_login(world.person("initiative_member"))
    hidden = client.get(f"/following/feeds/initiative/{world.safeguarded.slug}.atom")
    missing = client.get("/following/feeds/initiative/no-such-thing.atom")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_a_group_feed_leaves_out_its_safeguarded_conversations(client: Client, world: Town) -> None:
    activity(world)
    client.force_login(world.person("group_member"))  # a member still gets the public document
    titles = entries(client.get(f"/following/feeds/group/{world.group.slug}.atom"))
    assert "New conversation: What shall we plant?" in titles
    assert any(t.startswith("Planting day, ") for t in titles)
    assert "Who needs a lift" not in "\n".join(titles)


@pytest.mark.parametrize(
    "path",
    [
        "/following/feeds/ward/nowhere/nothing.atom",
        "/following/feeds/group/no-such-group.atom",
    ],
)
def test_missing_places_are_404s(client: Client, world: Town, path: str) -> None:
    assert client.get(path).status_code == 404


def test_feeds_cost_a_bounded_number_of_queries(
    client: Client, world: Town, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        initiative = InitiativeFactory(wards=[world.ward])
        Update.objects.create(initiative=initiative, author=initiative.created_by, text=f"U{n}")
        ConversationFactory(ward=world.ward)
        ConversationFactory(ward=None, group=world.group)
        EventFactory(group=world.group)
        EventFactory(group=None, ward=world.ward)
    with django_assert_max_num_queries(7):
        assert len(entries(client.get(ward_url(world)))) == 50
    with django_assert_max_num_queries(4):
        assert len(entries(client.get(f"/following/feeds/group/{world.group.slug}.atom"))) == 50
    with django_assert_max_num_queries(7):
        entries(client.get(f"/following/feeds/initiative/{world.initiative.slug}.atom"))


def test_an_initiative_a_moderator_hid_leaves_every_feed(client: Client, world: Town) -> None:
    activity(world)
    world.initiative.hidden_at = timezone.now()
    world.initiative.save(update_fields=["hidden_at"])
    feed = f"/following/feeds/initiative/{world.initiative.slug}.atom"
    assert client.get(feed).status_code == 404
    assert "Riverside garden" not in "\n".join(entries(client.get(ward_url(world))))
