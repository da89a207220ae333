"""The list of initiatives: filters, search box, pagination, counts and query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.accounts.tests.factories import UserFactory
from grassroots.initiatives.models import Stage, Theme, Visibility
from grassroots.initiatives.tests.factories import (
    BackingFactory,
    InitiativeFactory,
    MembershipFactory,
    NeedFactory,
)
from grassroots.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db

URL = "/initiatives/"


def titles(response: Any) -> list[str]:
    return [i.title for i in response.context["initiatives"]]


def test_it_lists_public_initiatives_with_their_counts(client: Client) -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    BackingFactory.create_batch(3, initiative=initiative)
    NeedFactory(initiative=initiative)
    NeedFactory(initiative=initiative, status="met")
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("initiatives:list") == URL
    row = response.context["initiatives"][0]
    assert (row.backers_count, row.open_needs_count) == (3, 1)
    html = response.content.decode()
    assert "Canal clean-up" in html
    assert "3 backers" in html
    assert "1 open need" in html
    assert "1 initiative" in html


def test_it_never_shows_a_safeguarded_initiative_to_outsiders(client: Client) -> None:
    InitiativeFactory(title="Public garden")
    hidden = InitiativeFactory(title="Refuge support", visibility=Visibility.SAFEGUARDED)
    response = client.get(URL)
    assert titles(response) == ["Public garden"]
    assert "Refuge support" not in response.content.decode()
    assert "1 initiative" in response.content.decode()
    client.force_login(UserFactory())
    assert titles(client.get(URL)) == ["Public garden"]
    member = MembershipFactory(initiative=hidden).user
    client.force_login(member)
    assert sorted(titles(client.get(URL))) == ["Public garden", "Refuge support"]


def test_it_filters_by_ward(client: Client) -> None:
    north, south = WardFactory(name="North"), WardFactory(name="South")
    InitiativeFactory(title="In north", wards=[north])
    InitiativeFactory(title="In both", wards=[north, south])
    InitiativeFactory(title="In south", wards=[south])
    response = client.get(URL, {"ward": north.pk})
    assert sorted(titles(response)) == ["In both", "In north"]


def test_it_filters_by_theme_and_stage(client: Client) -> None:
    InitiativeFactory(title="Bus", theme=Theme.TRANSPORT, stage=Stage.PLANNING)
    InitiativeFactory(title="Trains", theme=Theme.TRANSPORT, stage=Stage.IDEA)
    InitiativeFactory(title="Mural", theme=Theme.ARTS, stage=Stage.PLANNING)
    assert sorted(titles(client.get(URL, {"theme": "transport"}))) == ["Bus", "Trains"]
    assert titles(client.get(URL, {"theme": "transport", "stage": "planning"})) == ["Bus"]
    both = client.get(URL, {"theme": ["transport", "arts"], "stage": "planning"})
    assert sorted(titles(both)) == ["Bus", "Mural"]


def test_it_filters_by_the_kind_of_an_open_need(client: Client) -> None:
    wants_venue = InitiativeFactory(title="Wants a venue")
    NeedFactory(initiative=wants_venue, kind="venue")
    had_venue = InitiativeFactory(title="Had a venue")
    NeedFactory(initiative=had_venue, kind="venue", status="met")
    NeedFactory(initiative=InitiativeFactory(title="Wants kit"), kind="equipment")
    assert titles(client.get(URL, {"need": "venue"})) == ["Wants a venue"]


def test_the_search_box_filters_by_words(client: Client) -> None:
    InitiativeFactory(title="Save the library", problem="Opening hours cut.")
    InitiativeFactory(title="Park benches")
    assert titles(client.get(URL, {"q": "library"})) == ["Save the library"]


def test_the_form_keeps_what_was_asked_and_offers_to_clear_it(client: Client) -> None:
    ward = WardFactory(name="Riverside")
    InitiativeFactory(wards=[ward])
    html = client.get(URL, {"q": "garden", "theme": "arts", "ward": ward.pk}).content.decode()
    assert 'value="garden"' in html
    assert 'value="arts" checked' in html
    assert f'<option value="{ward.pk}" selected>' in html
    assert f'href="{URL}">Clear filters</a>' in html


def test_nothing_found_says_so(client: Client) -> None:
    InitiativeFactory()
    response = client.get(URL, {"theme": "housing"})
    assert "No initiatives match these filters" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ward": "999999"}, "Select a ward from the list"),
        ({"ward": "not-a-number"}, "Select a ward from the list"),
        ({"theme": "wizardry"}, "Select themes from the list"),
        ({"stage": "finished"}, "Select stages from the list"),
        ({"need": "unicorns"}, "Select needs from the list"),
        ({"q": "x" * 201}, "Search must be 200 characters or fewer"),
        ({"q": "garden\x00"}, "Enter a search using letters, numbers and spaces"),
        ({"ward": "\x00"}, "Select a ward from the list"),
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error(
    client: Client, params: dict[str, str], message: str
) -> None:
    InitiativeFactory(title="Still listed")
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "<title>Error:" in html
    # The bad filter is left out; the rest of the page still works.
    assert titles(response) == ["Still listed"]


def test_it_pages_through_many_initiatives(client: Client) -> None:
    ward = WardFactory()
    InitiativeFactory.create_batch(25, wards=[ward])
    first = client.get(URL)
    assert len(first.context["initiatives"]) == 20
    html = first.content.decode()
    assert "govuk-pagination" in html
    assert "?page=2" in html
    second = client.get(URL, {"page": 2, "ward": ward.pk})
    assert len(second.context["initiatives"]) == 5
    # The other filters stay in the page links.
    assert f"ward={ward.pk}" in second.content.decode()
    # A page that does not exist shows the nearest real one rather than an error.
    assert client.get(URL, {"page": "99"}).context["page"].number == 2
    assert client.get(URL, {"page": "abc"}).context["page"].number == 1


def _many_initiatives(count: int) -> None:
    wards = WardFactory.create_batch(3)
    for n in range(count):
        initiative = InitiativeFactory(
            wards=wards[: 1 + n % 3],
            visibility=Visibility.SAFEGUARDED if n % 5 == 0 else Visibility.PUBLIC,
        )
        BackingFactory.create_batch(2, initiative=initiative)
        NeedFactory(initiative=initiative)


def test_the_list_runs_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    _many_initiatives(30)
    # count (capped), the page's ids, its rows (counts annotated), wards with councils, ward
    # filter choices
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"theme": "green_spaces"})
    assert len(response.context["initiatives"]) == 20


def test_the_list_runs_a_bounded_number_of_queries_when_signed_in(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    _many_initiatives(30)
    client.force_login(UserFactory())
    # + session, user, the MFA middleware's role check, the councillor look-up of the
    # visibility rule, the unread count in the header
    # + the restricted initiatives and conversations the viewer sees (a query each, none
    # while the page cache keeps them)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"ward": "", "need": "equipment"})
    assert len(response.context["initiatives"]) == 20
