"""Safeguarding contacts use two-factor authentication, as councillors, officers and admins do.

Until they set it up they are sent to do so before they can open any concern; people who are
not contacts are not asked.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.test import Client

from grassroots.moderation.tests.factories import login, report_as
from grassroots.testing.people import with_totp
from grassroots.testing.worlds import Town

ACTIVATE = "/accounts/2fa/totp/activate/"


def _without_totp(town: Town, role: str) -> None:
    Authenticator.objects.filter(user=town.user(role)).delete()


def test_a_contact_without_mfa_is_sent_to_set_it_up(client: Client, town: Town) -> None:
    concern = report_as(town.person("resident"), town.post(), "safeguarding", "Worry")
    _without_totp(town, "safeguarding contact")
    login(client, town, "safeguarding contact")
    for url in (
        "/moderation/safeguarding/",
        f"/moderation/safeguarding/{concern.pk}/",
        f"/moderation/safeguarding/{concern.pk}/hide/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ACTIVATE
    acknowledge = client.post(f"/moderation/safeguarding/{concern.pk}/", {"action": "acknowledge"})
    assert acknowledge["Location"] == ACTIVATE
    hide = client.post(f"/moderation/safeguarding/{concern.pk}/hide/", {"reason": "Unsafe"})
    assert hide["Location"] == ACTIVATE
    concern.refresh_from_db()
    assert concern.status == "new"
    assert town.post().hidden_at is None
    # Nor do the rules grant the role's powers without it (whatever the middleware does).
    contact = town.person("safeguarding contact")
    assert not contact.has_perm("moderation.view_concerns")
    assert not contact.has_perm("moderation.view_concern", concern)
    assert not contact.has_perm("moderation.hide_concern_item", concern)


def test_once_set_up_the_contact_gets_in(client: Client, town: Town) -> None:
    concern = report_as(town.person("resident"), town.post(), "safeguarding", "Worry")
    _without_totp(town, "safeguarding contact")
    contact = with_totp(town.person("safeguarding contact"))
    client.force_login(contact)
    assert client.get("/moderation/safeguarding/").status_code == 200
    page = client.get(f"/moderation/safeguarding/{concern.pk}/")
    assert page.status_code == 200
    assert "Worry" in page.content.decode()


def test_people_who_are_not_contacts_are_not_asked(client: Client, town: Town) -> None:
    for role in ("resident", "author", "moderator"):
        login(client, town, role)
        assert client.get("/").status_code == 200
        assert client.get("/moderation/reports/mine/").status_code == 200
