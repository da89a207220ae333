"""A hidden initiative disappears from public surfaces; its leads (with a banner) and
moderators still see it; restoring brings it back."""

from __future__ import annotations

from django.test import Client

from grassroots.initiatives.visibility import can_view, visible_initiatives
from grassroots.moderation import services
from grassroots.moderation.tests.factories import World, login, report_as
from grassroots.notifications.models import Notification


def test_hiding_an_initiative_takes_it_off_public_surfaces(client: Client, world: World) -> None:
    report_as(world.user("resident"), world.initiative, "misinformation")
    login(client, world, "moderator")
    response = client.post(
        f"/moderation/item/initiative/{world.initiative.pk}/hide/",
        {"hide-reason": "Misleading claims about the council"},
    )
    assert response.status_code == 302
    world.initiative.refresh_from_db()
    assert world.initiative.hidden_at is not None
    url = world.initiative.get_absolute_url()
    for role in ("anonymous", "resident", "councillor"):
        user = world.user(role)
        assert not can_view(user, world.initiative), role
        assert world.initiative not in visible_initiatives(user), role
    client.logout()
    assert client.get(url).status_code == 404
    assert world.initiative.title not in client.get("/initiatives/").content.decode()
    # The leads still see it, with a banner saying why; so do moderators.
    login(client, world, "author")
    page = client.get(url)
    assert page.status_code == 200
    assert "A moderator has hidden this initiative" in page.content.decode()
    assert "Misleading claims about the council" in page.content.decode()
    assert can_view(world.user("moderator"), world.initiative)
    lead_note = Notification.objects.get(recipient=world.user("author"))
    assert "Misleading claims about the council" in lead_note.text
    # Restored, it is public again.
    services.item_restore(
        moderator=world.user("moderator"), item=world.initiative, reason="Corrected"
    )
    client.logout()
    assert client.get(url).status_code == 200


def test_a_hidden_safeguarded_initiative_stays_invisible_to_moderators(world: World) -> None:
    initiative = world.safeguarded_initiative
    initiative.hidden_at = initiative.created_at
    initiative.save(update_fields=["hidden_at"])
    assert not can_view(world.user("moderator"), initiative)
    assert can_view(initiative.created_by, initiative)  # its lead
    assert not can_view(world.user("resident"), initiative)  # a member, not a lead
