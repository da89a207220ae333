"""Site search: one box for initiatives, groups, conversations and events."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.tests.factories import ConversationFactory
from grassroots.events.tests.factories import EventFactory
from grassroots.groups.tests.factories import GroupFactory
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def bandstand() -> None:
    InitiativeFactory(title="Restore the bandstand")
    GroupFactory(name="Bandstand friends")
    ConversationFactory(question="What music for the bandstand?")
    EventFactory(title="Bandstand tea dance", group=GroupFactory(name="Dancers"))
    InitiativeFactory(title="Canal clean-up")


def test_it_finds_every_kind_with_counts_and_links(client: Client, bandstand: None) -> None:
    response = client.get(SEARCH, {"q": "Bandstand"})
    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(response)

    for found in (
        "Restore the bandstand",
        "Bandstand friends",
        "What music for the bandstand?",
        "Bandstand tea dance",
    ):
        assert found in text
    assert "Canal clean-up" not in text
    assert text.count("(1 result)") == 4
    assert 'href="/initiatives/?q=bandstand"' in page
    assert 'href="/groups/?q=bandstand"' in page
    assert 'href="/search/?q=bandstand&amp;kind=conversations"' in page
    assert 'href="/search/?q=bandstand&amp;kind=events"' in page


def test_every_word_must_match(client: Client, bandstand: None) -> None:
    text = text_of(client.get(SEARCH, {"q": "bandstand dance"}))
    assert "Bandstand tea dance" in text
    assert "Restore the bandstand" not in text


def test_the_home_page_has_the_search_box(client: Client) -> None:
    page = client.get("/").content.decode()
    assert re.search(r'<form method="get" action="/search/" role="search"', page)
    assert 'name="q"' in page


@pytest.mark.parametrize("kind", ["conversations", "events"])
def test_a_kind_lists_every_match_a_page_at_a_time(client: Client, kind: str) -> None:
    for n in range(25):
        if kind == "conversations":
            ConversationFactory(question=f"Bandstand question {n}?")
        else:
            EventFactory(title=f"Bandstand concert {n}")
    first = text_of(client.get(SEARCH, {"q": "bandstand", "kind": kind}))
    assert "25 results" in first
    assert "Next page" in first
    second = client.get(SEARCH, {"q": "bandstand", "kind": kind, "page": "2"})
    assert second.status_code == 200
    assert "Previous page" in text_of(second)


def make_secret() -> Initiative:
    secret = InitiativeFactory(title="Bandstand refuge circle", visibility=Visibility.SAFEGUARDED)
    ConversationFactory(
        question="Bandstand refuge rota?", ward=None, initiative=secret, is_safeguarded=True
    )
    EventFactory(title="Bandstand refuge meeting", group=None, initiative=secret)
    return secret


def test_safeguarded_things_are_invisible_to_outsiders(client: Client) -> None:
    make_secret()
    InitiativeFactory(title="Bandstand hidden", hidden_at="2026-01-01T00:00Z")
    for viewer in (None, UserFactory()):
        visitor = Client()
        if viewer is not None:
            visitor.force_login(viewer)
        for params in ({}, {"kind": "conversations"}, {"kind": "events"}):
            text = text_of(visitor.get(SEARCH, {"q": "bandstand", **params}))
            assert "refuge" not in text.lower()
            assert "Bandstand hidden" not in text
        assert "Nothing matches" in text_of(visitor.get(SEARCH, {"q": "refuge"}))


def test_safeguarded_things_are_found_by_an_insider(client: Client) -> None:
    secret = make_secret()
    member = UserFactory()
    MembershipFactory(initiative=secret, user=member)
    client.force_login(member)

    text = text_of(client.get(SEARCH, {"q": "refuge"}))

    assert "Bandstand refuge circle" in text
    assert "Bandstand refuge rota?" in text
    assert "Bandstand refuge meeting" in text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter words to search for"),
        ("   ", "Enter words to search for"),
        ("x" * 201, "Search must be 200 characters or fewer"),
        ("%%% *** ???", "Enter words to search for, using letters or numbers"),
        ("band\x00stand", "Null characters are not allowed"),
        ("band\x07stand", "Search must only include letters, numbers, spaces and punctuation"),
    ],
)
def test_bad_input_gets_a_clear_message(client: Client, typed: str, message: str) -> None:
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<title>\s*Error: ", page)
    assert 'class="govuk-error-summary"' in page
    assert 'href="#id_q"' in page
    assert message in html.unescape(page)


@pytest.mark.parametrize("typed", ["50%_off", "'; DROP TABLE x; --", "<script>", "ÅÄÖ café"])
def test_odd_characters_never_break_it(client: Client, typed: str) -> None:
    InitiativeFactory(title="Café on the corner")
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_odd_parameters_never_break_it(client: Client, bandstand: None) -> None:
    for params in (
        {"q": "bandstand", "kind": "nonsense"},
        {"q": "bandstand", "kind": "events", "page": "999"},
        {"q": "bandstand", "kind": "events", "page": "x"},
        {"q": ["a", "b"]},
    ):
        assert client.get(SEARCH, params).status_code == 200
    assert client.get(SEARCH).status_code == 200


def test_it_costs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        InitiativeFactory(title=f"Bandstand plan {n}")
        GroupFactory(name=f"Bandstand group {n}")
        ConversationFactory(question=f"Bandstand question {n}?")
        EventFactory(title=f"Bandstand concert {n}")
    client.force_login(UserFactory())
    # Session and roles, four for the initiatives, and two (rows, count) for each other kind.
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(18):
        response = client.get(SEARCH, {"q": "bandstand"})
    assert response.status_code == 200
    assert text_of(response).count("(12 results)") == 4
