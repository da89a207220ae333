"""The header links moderators to their queue and safeguarding contacts to their concerns.

Nobody else sees them, and the header reads nothing more for them: whether someone moderates or
is a contact comes from the roles the MFA middleware has already read for the request.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.models import Conversation
from grassroots.moderation.models import SafeguardingContact
from grassroots.moderation.tests.factories import MODERATION_CAST, login, make_post, report_as
from grassroots.testing.worlds import Town

PAGE = "/councils/"
QUEUE_LINK = 'href="/moderation/"'
CONCERNS_LINK = 'href="/moderation/safeguarding/"'
SEES = {
    "moderator": {"queue"},
    "safeguarding contact": {"concerns"},
    "other council's contact": {"concerns"},
    "site admin": {"queue", "concerns"},
}


def nav(body: str) -> str:
    start = body.index('class="govuk-service-navigation__list"')
    return body[start : body.index("</ul>", start)]


def moderation_queries(client: Client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)
    assert response.status_code == 200
    queries = [q["sql"] for q in captured.captured_queries]
    # The roles query (one per request, whoever asks) also asks "is a safeguarding contact".
    roles = [q for q in queries if '"_safeguarding"' in q]
    assert len(roles) == 1
    sql = [q for q in queries if "moderation_" in q and q not in roles]
    return nav(response.content.decode()), sql


@pytest.mark.parametrize("role", MODERATION_CAST)
def test_only_moderators_and_contacts_see_the_links(client: Client, town: Town, role: str) -> None:
    login(client, town, role)
    response = client.get(PAGE)
    if role == "site admin without MFA":
        # They are sent to set up two-factor authentication before any page.
        assert "/accounts/2fa/" in response["Location"]
        return
    links = nav(response.content.decode())
    expected = SEES.get(role, set())
    assert (QUEUE_LINK in links) == ("queue" in expected)
    assert ("Moderation" in links) == ("queue" in expected)
    assert (CONCERNS_LINK in links) == ("concerns" in expected)
    assert ("Safeguarding concerns" in links) == ("concerns" in expected)


def test_residents_pay_no_query_for_the_header(client: Client, town: Town) -> None:
    report_as(town.person("author"), town.post(), "spam")
    report_as(town.person("author"), town.post(), "safeguarding")
    for role in ("resident", "author", "ward councillor", "officer"):
        login(client, town, role)
        links, sql = moderation_queries(client)
        assert "/moderation/" not in links
        assert sql == [], role


def test_a_moderator_sees_how_many_items_wait_for_one_query(
    client: Client, town: Town, django_assert_max_num_queries: Any
) -> None:
    # Two reports about one reply are one item; a reported event and a held reply make three.
    report_as(town.person("resident"), town.post(), "spam")
    report_as(town.person("ward councillor"), town.post(), "abuse")
    report_as(town.person("resident"), town.events["ward"], "misinformation")
    make_post(town.conversation(), UserFactory(), "Held back", held_for_review=True)
    # Neither a concern nor a report about safeguarded content is the moderators' to count.
    report_as(town.person("resident"), town.initiative, "safeguarding")
    report_as(town.person("resident"), town.safeguarded, "spam")
    login(client, town, "moderator")
    links, sql = moderation_queries(client)
    assert len(sql) == 1
    assert re.search(r"Moderation <strong[^>]*>3<span[^>]*> waiting</span>", links)
    # The page itself stays within the bound it had before the link.
    login(client, town, "resident")
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(8):
        client.get(PAGE)


def test_a_contact_sees_their_councils_open_concerns(client: Client, town: Town) -> None:
    first = report_as(town.person("resident"), town.post(), "safeguarding")
    report_as(town.person("resident"), town.events["ward"], "safeguarding")
    elsewhere = Conversation.objects.create(
        ward=SafeguardingContact.objects.get(email="other@council.example").council.wards.get(),
        question="Elsewhere",
    )
    report_as(town.person("resident"), make_post(elsewhere, UserFactory()), "safeguarding")
    login(client, town, "safeguarding contact")
    client.post(f"/moderation/safeguarding/{first.pk}/", {"action": "close", "note": "Done"})
    links, sql = moderation_queries(client)
    assert len(sql) == 1
    assert re.search(r"Safeguarding concerns <strong[^>]*>1<span[^>]*> open</span>", links)
    # On the concerns pages the link is marked as the current page.
    body = nav(client.get("/moderation/safeguarding/").content.decode())
    assert 'href="/moderation/safeguarding/" aria-current="page"' in body


def test_a_site_admin_gets_both_counts_in_one_query(client: Client, town: Town) -> None:
    report_as(town.person("resident"), town.post(), "spam")
    report_as(town.person("resident"), town.events["ward"], "safeguarding")
    login(client, town, "site admin")
    links, sql = moderation_queries(client)
    assert len(sql) == 1
    assert re.search(r"Moderation <strong[^>]*>1<", links)
    assert re.search(r"Safeguarding concerns <strong[^>]*>1<", links)


def test_nothing_waiting_shows_no_count(client: Client, town: Town) -> None:
    login(client, town, "moderator")
    links = nav(client.get(PAGE).content.decode())
    assert "Moderation</a>" in links
