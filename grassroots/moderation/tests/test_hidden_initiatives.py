"""A hidden initiative disappears from public surfaces; its leads (with a banner) and
moderators still see it; restoring brings it back."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from grassroots.events.models import Event
from grassroots.initiatives.models import StageChange
from grassroots.initiatives.visibility import can_view, visible_initiatives
from grassroots.moderation import services
from grassroots.moderation.tests.factories import login, report_as
from grassroots.notifications.models import Notification
from grassroots.testing.worlds import Town


def test_hiding_an_initiative_takes_it_off_public_surfaces(client: Client, town: Town) -> None:
    report_as(town.person("resident"), town.initiative, "misinformation")
    login(client, town, "moderator")
    response = client.post(
        f"/moderation/item/initiative/{town.initiative.pk}/hide/",
        {"hide-reason": "Misleading claims about the council"},
    )
    assert response.status_code == 302
    town.initiative.refresh_from_db()
    assert town.initiative.hidden_at is not None
    url = town.initiative.get_absolute_url()
    for role in ("anonymous", "resident", "ward councillor"):
        user = town.user(role)
        assert not can_view(user, town.initiative), role
        assert town.initiative not in visible_initiatives(user), role
    client.logout()
    assert client.get(url).status_code == 404
    assert town.initiative.title not in client.get("/initiatives/").content.decode()
    # The leads still see it, with a banner saying why; so do moderators.
    login(client, town, "author")
    page = client.get(url)
    assert page.status_code == 200
    assert "This initiative has been hidden under the site's rules" in page.content.decode()
    assert "Only its leads and moderators can see it" in page.content.decode()
    assert "Misleading claims about the council" in page.content.decode()
    assert can_view(town.person("moderator"), town.initiative)
    lead_note = Notification.objects.get(recipient=town.person("author"))
    assert "Misleading claims about the council" in lead_note.text
    # Restored, it is public again.
    services.item_restore(
        moderator=town.person("moderator"), item=town.initiative, reason="Corrected"
    )
    client.logout()
    assert client.get(url).status_code == 200


def test_a_hidden_safeguarded_initiative_stays_invisible_to_moderators(
    client: Client, town: Town
) -> None:
    initiative = town.safeguarded
    initiative.hidden_at = initiative.created_at
    initiative.save(update_fields=["hidden_at"])
    assert not can_view(town.person("moderator"), initiative)
    assert can_view(initiative.created_by, initiative)  # its lead
    # Its banner does not promise moderators can see it: they cannot.
    client.force_login(initiative.created_by)
    body = client.get(initiative.get_absolute_url()).content.decode()
    assert "Only its leads can see it." in body
    assert "moderators can see it" not in body
    assert not can_view(town.person("resident"), initiative)  # a member, not a lead


def test_a_hidden_initiative_leaves_the_ward_feeds(client: Client, town: Town) -> None:
    initiative = town.initiative
    StageChange.objects.create(
        initiative=initiative,
        from_stage="idea",
        to_stage="planning",
        changed_by=initiative.created_by,
    )
    start = timezone.now() + datetime.timedelta(days=3)
    Event.objects.create(
        initiative=initiative,
        title="Garden planting day",
        description="Bring gloves.",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    ward, council = town.ward, town.ward.council
    feeds = [
        f"/initiatives/feed/ward/{council.slug}/{ward.slug}.atom",
        f"/following/feeds/ward/{council.slug}/{ward.slug}.atom",
    ]
    # The first address redirects for good to the second, the one ward feed.
    assert any(initiative.title in client.get(url, follow=True).content.decode() for url in feeds)
    assert "Garden planting day" in client.get(feeds[1]).content.decode()
    services.item_hide(moderator=town.person("moderator"), item=initiative, reason="Misleading")
    for url in feeds:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert initiative.title not in body, url
        assert "Garden planting day" not in body, url
