"""Events in the Django admin: site admins can list and open them.

`events.view_event` and `events.change_event` are rules about the event pages (who may see or
run an event on the site), and share their names with Django's model permissions; the admin
must ask Django's model permissions, or a site admin is refused the events admin.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from grassroots.testing.worlds import Town


def test_it_lets_a_site_admin_list_and_open_events(client: Any, world: Town) -> None:
    client.force_login(world.user("site admin"))
    assert client.get(reverse("admin:events_event_changelist")).status_code == 200
    change = reverse("admin:events_event_change", args=[next(iter(world.events.values())).pk])
    assert client.get(change).status_code == 200


def test_it_keeps_residents_out_of_the_events_admin(client: Any, world: Town) -> None:
    client.force_login(world.user("resident"))
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
